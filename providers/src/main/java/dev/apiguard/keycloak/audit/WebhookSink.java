package dev.apiguard.keycloak.audit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs a batch of records as JSON lines ({@code application/x-ndjson}) to one URL. The body is
 * signed with HMAC-SHA256 and the shared secret: header {@code X-ApiGuard-Signature: sha256=<hex>}
 * over {@code <X-ApiGuard-Timestamp>.<body>} (the timestamp, epoch seconds, lets the receiver refuse
 * replays). Only a 2xx answer confirms the batch; anything else (refused connection, timeout, 4xx,
 * 5xx) throws, the cursor stays, and the dispatcher sends the same batch again after a backoff.
 * Records are never dropped.
 */
final class WebhookSink implements AuditSink {

    static final String SIGNATURE_HEADER = "X-ApiGuard-Signature";
    static final String TIMESTAMP_HEADER = "X-ApiGuard-Timestamp";

    private final URI url;
    private final SecretKeySpec secret;
    private final Duration timeout;
    private final HttpClient client;

    WebhookSink(URI url, byte[] secret, Duration timeout) {
        this.url = url;
        this.secret = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void deliver(List<OutboxRow> rows) throws IOException {
        StringBuilder body = new StringBuilder();
        for (OutboxRow row : rows) {
            body.append(row.json()).append('\n');
        }
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/x-ndjson")
                .header(TIMESTAMP_HEADER, timestamp)
                .header(SIGNATURE_HEADER, "sha256=" + sign(secret, timestamp, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        HttpResponse<Void> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending to the webhook", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("the webhook answered HTTP " + response.statusCode());
        }
    }

    static String sign(SecretKeySpec secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
