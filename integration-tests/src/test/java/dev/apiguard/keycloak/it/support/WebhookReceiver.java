package dev.apiguard.keycloak.it.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver for the audit stream's {@code webhook} sink: a JDK HTTP server on a free loopback port
 * that checks the HMAC signature of every body ({@code X-ApiGuard-Signature}, docs/audit-stream.md),
 * answers 204 and keeps each line it accepted, or 401 and keeps nothing. {@link #down()} and
 * {@link #up()} take it off and back on the same port.
 */
public final class WebhookReceiver {

    private final int port;
    private final SecretKeySpec key;
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger badSignatures = new AtomicInteger();
    private HttpServer http;

    public WebhookReceiver(String secret) {
        this.port = freePort();
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** {@code http://127.0.0.1:<port>/hook}, the sink's {@code webhook-url}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    public synchronized void up() {
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
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
    }

    public synchronized void down() {
        if (http != null) {
            http.stop(0);
            http = null;
        }
    }

    /** Every line accepted so far, in arrival order (a redelivered record appears again). */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Bodies refused for a missing or wrong signature. */
    public int badSignatures() {
        return badSignatures.get();
    }

    private String sign(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
