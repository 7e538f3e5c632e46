package dev.apiguard.keycloak.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SinksTest {

    private static final List<OutboxRow> ROWS =
            List.of(new OutboxRow(1, "a", "r", 0, "{\"n\":1}"), new OutboxRow(2, "b", "r", 0, "{\"n\":2}"));

    @Test
    void stdoutWhenDeliveredThenOneJsonLinePerRecord() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new StdoutSink(new PrintStream(bytes, true, StandardCharsets.UTF_8)).deliver(ROWS);

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}\n{\"n\":2}\n");
    }

    @Test
    void webhookWhenReceiverAnswers2xxThenBodyIsJsonLinesSignedOverTimestampAndBody() throws IOException {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        AtomicReference<String> body = new AtomicReference<>();
        AtomicReference<String> signature = new AtomicReference<>();
        AtomicReference<String> timestamp = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.createContext("/hook", exchange -> {
            body.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            signature.set(exchange.getRequestHeaders().getFirst(WebhookSink.SIGNATURE_HEADER));
            timestamp.set(exchange.getRequestHeaders().getFirst(WebhookSink.TIMESTAMP_HEADER));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
            new WebhookSink(url, secret, Duration.ofSeconds(5)).deliver(ROWS);
        } finally {
            server.stop(0);
        }

        assertThat(body.get()).isEqualTo("{\"n\":1}\n{\"n\":2}\n");
        assertThat(signature.get())
                .isEqualTo("sha256="
                        + WebhookSink.sign(
                                new SecretKeySpec(secret, "HmacSHA256"),
                                timestamp.get(),
                                body.get().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void webhookWhenReceiverAnswers503ThenDeliveryThrowsNamingTheStatus() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.createContext("/hook", exchange -> {
            calls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
            WebhookSink sink = new WebhookSink(
                    url, "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));

            assertThatThrownBy(() -> sink.deliver(ROWS))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("HTTP 503");
        } finally {
            server.stop(0);
        }
        assertThat(calls.get()).isEqualTo(1);
    }
}
