package dev.apiguard.keycloak.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hash chain of an audit file. Each line is a JSON object with a {@code chain} member
 * {@code {"seq": n, "prev": <hash of line n-1>, "hash": <hash of this line>}}; a line's hash is the
 * hex SHA-256 of the RFC 8785 canonical form ({@link CanonicalJson}) of the line without
 * {@code chain.hash}. A checkpoint signs {@link #checkpointPayload} (file, line, seq, head hash,
 * key id, time) with the file's Ed25519 key.
 */
public final class AuditChain {

    /** The {@code prev} of a chain's first line. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {}

    /** {@code record} with its {@code chain} member set (a new map; the input is not changed). */
    public static Map<String, Object> link(Map<String, Object> record, long seq, String prev) {
        Map<String, Object> line = new LinkedHashMap<>(record);
        Map<String, Object> chain = new LinkedHashMap<>();
        chain.put("seq", seq);
        chain.put("prev", prev);
        line.put("chain", chain);
        String hash = hashOf(line);
        chain.put("hash", hash);
        return line;
    }

    /** The hash of a line: SHA-256 over the canonical form of the line without {@code chain.hash}. */
    @SuppressWarnings("unchecked")
    public static String hashOf(Map<String, Object> line) {
        Map<String, Object> copy = new LinkedHashMap<>(line);
        Object chain = copy.get("chain");
        if (chain instanceof Map<?, ?> map) {
            Map<String, Object> withoutHash = new LinkedHashMap<>((Map<String, Object>) map);
            withoutHash.remove("hash");
            copy.put("chain", withoutHash);
        }
        return sha256(CanonicalJson.of(copy));
    }

    public static Map<String, Object> checkpointPayload(
            String file, long line, long seq, String head, String keyId, String signedAt) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("file", file);
        payload.put("line", line);
        payload.put("seq", seq);
        payload.put("hash", head);
        payload.put("key_id", keyId);
        payload.put("signed_at", signedAt);
        return payload;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
