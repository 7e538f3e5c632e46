package dev.apiguard.keycloak.audit;

import java.io.IOException;
import java.util.List;

/**
 * A destination of audit records. {@link #deliver} returns only once every row is stored or
 * accepted by the destination (written and forced to disk, answered 2xx, ...); it throws
 * otherwise, and the dispatcher then delivers the same rows again later (at least once: a row may
 * arrive twice, with the same event id).
 */
public interface AuditSink extends AutoCloseable {

    /** Stable name: the key of the sink's cursor; never changes once shipped. */
    String name();

    void deliver(List<OutboxRow> rows) throws IOException;

    @Override
    default void close() {}
}
