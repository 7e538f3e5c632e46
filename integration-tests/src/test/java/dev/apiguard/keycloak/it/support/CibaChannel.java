package dev.apiguard.keycloak.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The user's authentication device of CIBA, as Keycloak's {@code ciba-http-auth-channel} reaches it:
 * an HTTP endpoint on a loopback port that accepts each authentication request (201) and hands the
 * test its login hint and the bearer token with which the device reports the result to Keycloak's
 * callback endpoint. One per test run: the shared server is started with its URL
 * ({@code --spi-ciba-auth-channel--ciba-http-auth-channel--http-authentication-channel-uri}).
 */
public final class CibaChannel {

    private static final CibaChannel SHARED = new CibaChannel();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port = ApiGuardServer.freePort();
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private HttpServer http;

    /** An authentication request Keycloak sent to the device: whom it is for, and the token to answer with. */
    public record Request(String loginHint, String bearerToken) {}

    private CibaChannel() {}

    public static CibaChannel shared() {
        return SHARED;
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/ciba";
    }

    /** Listens (idempotent): requests that arrive before a test asks for them are kept. */
    public synchronized CibaChannel up() {
        if (http != null) {
            return this;
        }
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("CIBA channel cannot listen on 127.0.0.1:" + port, e);
        }
        http.createContext("/ciba", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.startsWith("Bearer ")) {
                exchange.sendResponseHeaders(401, -1);
            } else {
                requests.add(
                        new Request(body.path("login_hint").asText(null), authorization.substring("Bearer ".length())));
                // Keycloak's channel provider counts only 201 as accepted.
                exchange.sendResponseHeaders(201, -1);
            }
            exchange.close();
        });
        http.start();
        return this;
    }

    /** The next request for {@code loginHint} within {@code timeout}; fails the test if none comes. */
    public Request awaitRequest(String loginHint, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Request request = left <= 0 ? null : requests.poll(left, TimeUnit.NANOSECONDS);
            if (request == null) {
                throw new AssertionError("no CIBA authentication request for " + loginHint + " within " + timeout);
            }
            if (loginHint.equals(request.loginHint())) {
                return request;
            }
        }
    }
}
