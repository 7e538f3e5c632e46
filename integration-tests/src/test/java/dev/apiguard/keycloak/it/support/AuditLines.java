package dev.apiguard.keycloak.it.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Reading API Guard's audit records (docs/audit-stream.md) as the tests see them: JSON lines of nested groups. */
public final class AuditLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditLines() {}

    /**
     * The complete lines of a file sink's file, as a reader tailing it sees them: the sink appends while the test
     * reads, so a last line without its newline is still being written and is left for the next read. Empty when the
     * file does not exist yet.
     */
    public static List<String> written(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : Arrays.asList(text.substring(0, end).split("\n", -1));
    }

    /** One record line (a file sink's line, a webhook body's line), parsed. */
    public static Map<String, Object> parse(String line) {
        try {
            return JSON.readValue(line, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + line, e);
        }
    }

    /** The record's group {@code name} ({@code event}, {@code user}, {@code apiguard}, ...), empty when absent. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> group(Map<String, Object> record, String name) {
        Object group = record.get(name);
        return group instanceof Map<?, ?> ? (Map<String, Object>) group : Map.of();
    }

    /** The token id Keycloak's event names ({@code keycloak.details.token_id}), or null. */
    public static String tokenId(Map<String, Object> record) {
        return group(group(record, "keycloak"), "details").get("token_id") instanceof String id ? id : null;
    }

    /** The {@code jti} of a signed JWT. */
    public static String jti(String jwt) {
        try {
            return SignedJWT.parse(jwt).getJWTClaimsSet().getJWTID();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
