package dev.apiguard.keycloak.benchmarks.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The demo realm ships a rate-limit policy tight enough to refuse a benchmark's load. The
 * benchmark measures the limiter's cost, not its refusals: it keeps every rule, key, mode and
 * endpoint of the realm's document and raises each capacity and rate so high that nothing is
 * refused ("limiter on, limits too high to refuse").
 */
final class RateLimits {

    static final long HIGH = 1_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RateLimits() {}

    /** The document with every capacity at {@link #HIGH} and every rate at {@link #HIGH} per second. */
    static String raised(String document) {
        try {
            JsonNode root = JSON.readTree(document);
            if (root.get("tiers") instanceof ObjectNode tiers) {
                tiers.properties().forEach(tier -> raise(tier.getValue()));
            }
            if (root.get("rules") != null) {
                root.get("rules").forEach(RateLimits::raise);
            }
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException("the realm's rate-limit document is not JSON", e);
        }
    }

    private static void raise(JsonNode limit) {
        if (limit instanceof ObjectNode node) {
            if (node.has("capacity")) {
                node.put("capacity", HIGH);
            }
            if (node.has("rate")) {
                node.put("rate", HIGH + "/s");
            }
        }
    }

    /**
     * Raises the limits of {@code realm} on the server, if it has a rate-limit document (404: none,
     * nothing to do). Returns whether a document was raised.
     */
    static boolean raiseOnServer(HttpClient client, String baseUrl, String adminToken, String realm) {
        URI uri = URI.create(baseUrl + "/admin/realms/" + realm + "/apiguard/v1/rate-limits");
        HttpResponse<String> current = Oidc.send(
                client,
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + adminToken)
                        .GET()
                        .build());
        if (current.statusCode() == 404) {
            return false;
        }
        if (current.statusCode() != 200) {
            throw new IllegalStateException(
                    "reading the rate limits of " + realm + " answered " + current.statusCode());
        }
        HttpResponse<String> saved = Oidc.send(
                client,
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + adminToken)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(raised(current.body()), StandardCharsets.UTF_8))
                        .build());
        if (saved.statusCode() != 200) {
            throw new IllegalStateException("raising the rate limits of " + realm + " answered " + saved.statusCode()
                    + ": "
                    + saved.body().substring(0, Math.min(300, saved.body().length())));
        }
        return true;
    }
}
