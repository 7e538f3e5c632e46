package dev.apiguard.resourceserver;

import java.net.URI;
import java.util.List;

/** The parts of an HTTP request {@link ResourceServer} reads; adapters implement it over their framework's request. */
public interface HttpRequestView {

    /** The method, e.g. {@code GET}. */
    String method();

    /**
     * The URI the client called: scheme, host, port, path and query, as seen by the client (behind a proxy, the
     * adapter reconstructs it from trusted forwarding headers). DPoP's {@code htu} is compared with it.
     */
    URI uri();

    /** Every value of header {@code name} (case-insensitive), empty when absent. */
    List<String> headers(String name);
}
