package dev.apiguard.keycloak.common;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What API Guard's versioned realm documents (the scope-policy, rate-limit and alert documents,
 * each one realm attribute) share at their admin endpoints: the version that names a saved text
 * (the {@code ETag}), the {@code GET} answer, and the 400 answer naming every problem.
 */
public final class RealmDocuments {

    private RealmDocuments() {}

    /** The first 16 hex digits of the SHA-256 of the document text: names a saved version. */
    public static String version(String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * {@code GET}: the stored document as saved, its version in {@code ETag}; 404 {@code not_found}
     * saying {@code missing} when {@code source} is null (the realm has none).
     */
    public static Response stored(String source, String version, String missing) {
        if (source == null) {
            return ApiError.response(Response.Status.NOT_FOUND, ApiError.NOT_FOUND, missing, List.of());
        }
        return Response.ok(source, MediaType.APPLICATION_JSON_TYPE).tag(version).build();
    }

    /** 400 {@code error}, describing {@code what} with every problem, each also in {@code problems}. */
    public static Response invalid(String error, String what, List<String> problems) {
        return ApiError.response(Response.Status.BAD_REQUEST, error, ApiError.describe(what, problems), problems);
    }
}
