package dev.apiguard.keycloak.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checks an audit file written by the file sink. It checks, line by line:
 * <ol>
 *   <li>each line is a JSON object with a {@code chain} member;</li>
 *   <li>the line's hash, recomputed over its canonical form, equals {@code chain.hash} (an edited
 *       line fails here, named);</li>
 *   <li>from the second line on, {@code chain.prev} is the previous line's hash and
 *       {@code chain.seq} the previous seq plus one (a removed or inserted line fails here: the
 *       first line after the gap is named);</li>
 *   <li>each checkpoint line's Ed25519 signature, with the public key given, and that it names the
 *       line before it and that line's hash;</li>
 *   <li>the file's signed head ({@code FILE.checkpoint}), when present: signed by the same key, and
 *       the file reaches the line and hash it names (lines cut from the end fail here).</li>
 * </ol>
 * The first line's {@code prev} is not checked: it links to the previous (rotated) file.
 */
public final class AuditLogVerifier {

    /** The outcome: intact, or the first problem and the line it is on (0 for the file as a whole). */
    public record Result(boolean intact, long lines, long line, String problem) {
        static Result ok(long lines) {
            return new Result(true, lines, 0, null);
        }

        static Result bad(long lines, long line, String problem) {
            return new Result(false, lines, line, problem);
        }
    }

    private AuditLogVerifier() {}

    @SuppressWarnings("unchecked")
    public static Result verify(Path file, PublicKey key, Optional<Path> checkpoint) throws IOException {
        Map<Long, String> hashes = new LinkedHashMap<>();
        Map<String, Object> head = null;
        if (checkpoint.isPresent()) {
            String text =
                    Files.readString(checkpoint.get(), StandardCharsets.UTF_8).trim();
            try {
                head = AuditRecords.parse(text);
            } catch (IllegalArgumentException e) {
                return Result.bad(0, 0, "the checkpoint file " + checkpoint.get() + " is not JSON");
            }
            if (!signed(head, key)) {
                return Result.bad(0, 0, "the checkpoint file " + checkpoint.get() + " has no valid signature");
            }
        }
        long headLine = head == null ? -1 : ((Number) head.get("line")).longValue();
        String headHash = null;
        long number = 0;
        String prev = null;
        long prevSeq = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            while ((text = reader.readLine()) != null) {
                number++;
                Map<String, Object> line;
                try {
                    line = AuditRecords.parse(text);
                } catch (IllegalArgumentException e) {
                    return Result.bad(number, number, "not a JSON object");
                }
                if (!(line.get("chain") instanceof Map<?, ?> chainMap)) {
                    return Result.bad(number, number, "no chain member");
                }
                Map<String, Object> chain = (Map<String, Object>) chainMap;
                if (!(chain.get("hash") instanceof String hash)
                        || !(chain.get("prev") instanceof String linkPrev)
                        || !(chain.get("seq") instanceof Number seqNumber)) {
                    return Result.bad(number, number, "chain member incomplete");
                }
                String computed;
                try {
                    computed = AuditChain.hashOf(line);
                } catch (IllegalArgumentException e) {
                    return Result.bad(number, number, "record changed (" + e.getMessage() + ")");
                }
                if (!computed.equals(hash)) {
                    return Result.bad(number, number, "record changed: its hash does not match its content");
                }
                long seq = seqNumber.longValue();
                if (prev != null && (!linkPrev.equals(prev) || seq != prevSeq + 1)) {
                    return Result.bad(
                            number,
                            number,
                            "chain broken: the line does not follow line " + (number - 1)
                                    + " (a line was removed or inserted before it)");
                }
                if (line.get("checkpoint") instanceof Map<?, ?> cp) {
                    Map<String, Object> payload = (Map<String, Object>) cp;
                    if (!signed(payload, key)) {
                        return Result.bad(number, number, "checkpoint signature invalid");
                    }
                    Object coveredLine = payload.get("line");
                    if (!(coveredLine instanceof Number n)
                            || n.longValue() != number - 1
                            || !String.valueOf(payload.get("hash")).equals(linkPrev)) {
                        return Result.bad(number, number, "checkpoint does not match the lines before it");
                    }
                }
                if (number == headLine) {
                    headHash = hash;
                }
                prev = hash;
                prevSeq = seq;
            }
        }
        if (head != null) {
            if (number < headLine) {
                return Result.bad(
                        number,
                        number + 1,
                        "truncated: the checkpoint signed at " + head.get("signed_at") + " covers " + headLine
                                + " lines, the file has " + number);
            }
            if (!String.valueOf(head.get("hash")).equals(headHash)) {
                return Result.bad(number, headLine, "line " + headLine + " is not the one the checkpoint signed");
            }
        }
        return Result.ok(number);
    }

    private static boolean signed(Map<String, Object> payload, PublicKey key) {
        if (!(payload.get("signature") instanceof String signature)) {
            return false;
        }
        Map<String, Object> unsigned = new LinkedHashMap<>(payload);
        unsigned.remove("signature");
        if (!CheckpointKey.keyId(key).equals(unsigned.get("key_id"))) {
            return false;
        }
        return CheckpointKey.verify(key, CanonicalJson.of(unsigned), signature);
    }
}
