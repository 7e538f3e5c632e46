package dev.apiguard.keycloak.it.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The receiving end of API Guard's audit webhook sink (docs/audit-stream.md) on loopback: checks
 * each request's HMAC signature ({@code X-ApiGuard-Timestamp}, {@code X-ApiGuard-Signature}),
 * answers 204 and keeps every record line it accepted, in arrival order; a request with a bad or
 * missing signature gets 401 and is counted. {@link #down()} makes deliveries fail (connection
 * refused) until {@link #up()}.
 */
public final class WebhookReceiver implements AutoCloseable {

    private final int port;
    private final String secret;
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger badSignatures = new AtomicInteger();
    private HttpServer http;

    /** A receiver on a free loopback port with a random secret of 64 characters; not yet up. */
    public WebhookReceiver() {
        this.port = ApiGuardServer.freePort();
        this.secret = Oidc.randomSecret() + Oidc.randomSecret();
    }

    /** The URL to give the sink ({@code --spi-events-listener--apiguard-audit--webhook-url}). */
    public String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    /** The shared secret to give the sink ({@code --spi-events-listener--apiguard-audit--webhook-secret}). */
    public String secret() {
        return secret;
    }

    public synchronized WebhookReceiver up() {
        if (http != null) {
            return this;
        }
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("webhook receiver cannot listen on 127.0.0.1:" + port, e);
        }
        http.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String timestamp = exchange.getRequestHeaders().getFirst("X-ApiGuard-Timestamp");
            String signature = exchange.getRequestHeaders().getFirst("X-ApiGuard-Signature");
            if (timestamp == null
                    || signature == null
                    || !MessageDigest.isEqual(
                            signature.getBytes(StandardCharsets.UTF_8),
                            ("sha256=" + sign(timestamp, body)).getBytes(StandardCharsets.UTF_8))) {
                badSignatures.incrementAndGet();
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.start();
        return this;
    }

    public synchronized void down() {
        if (http != null) {
            http.stop(0);
            http = null;
        }
    }

    @Override
    public void close() {
        down();
    }

    /** Every record line accepted so far, in arrival order (a record delivered twice appears twice). */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The accepted records, parsed, in arrival order. */
    public List<Map<String, Object>> records() {
        List<Map<String, Object>> records = new ArrayList<>();
        for (String line : lines) {
            records.add(AuditLines.parse(line));
        }
        return records;
    }

    /** Requests refused for a bad or missing signature. */
    public int badSignatures() {
        return badSignatures.get();
    }

    private String sign(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
