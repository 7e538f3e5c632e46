package dev.apiguard.keycloak.tokens;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Base64;
import org.keycloak.models.Constants;
import org.keycloak.representations.IDToken;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.representations.RefreshToken;
import org.keycloak.util.TokenUtil;

/**
 * The claims of a presented refresh token that reuse detection compares with the client session:
 * {@code jti}, {@code iat}, {@code sid}, {@code azp}, {@code typ} and Keycloak's {@code reuse_id}.
 *
 * <p>{@link #peek} reads them from the token's payload <em>without verifying its signature</em>.
 * That is only good for deciding that nothing needs to be done: a token that is not a reuse by its
 * own claims is left to Keycloak, which verifies it. Before anything is revoked, the claims are read
 * again from the verified token ({@link #of}). A genuine token reads the same both ways, so the
 * decision is the same; a forged one gets as far as the verification, and no further.
 */
record PresentedRefreshToken(
        String id, long issuedAt, String sessionId, String issuedFor, boolean offline, String reuseId) {

    /**
     * Longer tokens are not peeked at, just verified. Keycloak's refresh tokens are about a kilobyte;
     * this only bounds the work an odd request can cause before Keycloak reads it.
     */
    static final int MAX_PEEK_CHARS = 16 * 1024;

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * The claims of the verified token, as Keycloak read them; {@code null} when it lacks an id, an
     * issue time or a session (Keycloak refuses such a token itself).
     */
    static PresentedRefreshToken of(RefreshToken token) {
        Object reuseId = token.getOtherClaims().get(Constants.REUSE_ID);
        return of(
                token.getId(),
                token.getIat(),
                token.getSessionId(),
                token.getIssuedFor(),
                token.getType(),
                reuseId == null ? null : String.valueOf(reuseId));
    }

    /** Both readings end here: {@code null} without an id, an issue time or a session; no reuse id reads as Keycloak's "". */
    private static PresentedRefreshToken of(
            String id, Long issuedAt, String sessionId, String issuedFor, String type, String reuseId) {
        if (id == null || issuedAt == null || sessionId == null) {
            return null;
        }
        return new PresentedRefreshToken(
                id,
                issuedAt,
                sessionId,
                issuedFor,
                TokenUtil.TOKEN_TYPE_OFFLINE.equals(type),
                reuseId == null ? "" : reuseId);
    }

    /**
     * The claims read from a compact JWS's payload, signature not checked; {@code null} when the
     * token is not one that this cheap reading is sure to read as Keycloak does (not three parts,
     * not base64url, not a JSON object, a claim of another JSON type than Keycloak writes, no id,
     * issue time or session, or longer than {@value #MAX_PEEK_CHARS} characters). A {@code null}
     * means "verify first", never "no reuse".
     */
    static PresentedRefreshToken peek(String compact) {
        if (compact == null || compact.length() > MAX_PEEK_CHARS) {
            return null;
        }
        int first = compact.indexOf('.');
        int second = first < 0 ? -1 : compact.indexOf('.', first + 1);
        if (first <= 0 || second < 0 || compact.indexOf('.', second + 1) >= 0) {
            return null;
        }
        byte[] payload;
        try {
            payload = Base64.getUrlDecoder().decode(compact.substring(first + 1, second));
        } catch (IllegalArgumentException notBase64url) {
            return null;
        }
        try (JsonParser parser = JSON.createParser(payload)) {
            return claims(parser);
        } catch (NotSure | IOException notSure) {
            // Not JSON as Jackson reads it, or a claim of another type than Keycloak writes: verify first.
            return null;
        }
    }

    private static PresentedRefreshToken claims(JsonParser parser) throws IOException, NotSure {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String id = null;
        Long issuedAt = null;
        String sessionId = null;
        String issuedFor = null;
        String type = null;
        String reuseId = null;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            if (parser.nextToken() == null) {
                return null;
            }
            // As Jackson's data binder: the last of duplicate claims wins, and a JSON null is no value.
            switch (name) {
                case "jti" -> id = text(parser);
                case IDToken.SESSION_ID -> sessionId = text(parser);
                case JsonWebToken.AZP -> issuedFor = text(parser);
                case "typ" -> type = text(parser);
                case Constants.REUSE_ID -> reuseId = text(parser);
                case "iat" -> issuedAt = number(parser);
                default -> parser.skipChildren();
            }
        }
        if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
            return null;
        }
        return of(id, issuedAt, sessionId, issuedFor, type, reuseId);
    }

    /** The current value, a string or null; anything else is {@link NotSure}. */
    private static String text(JsonParser parser) throws IOException, NotSure {
        return switch (parser.currentToken()) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NULL -> null;
            default -> throw NotSure.INSTANCE;
        };
    }

    /** The current value, an integer that fits a long or null; anything else is {@link NotSure}. */
    private static Long number(JsonParser parser) throws IOException, NotSure {
        return switch (parser.currentToken()) {
            case VALUE_NUMBER_INT -> {
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw NotSure.INSTANCE;
                }
                yield parser.getLongValue();
            }
            case VALUE_NULL -> null;
            default -> throw NotSure.INSTANCE;
        };
    }

    /** A claim this reading is not sure to read as Keycloak does; thrown without a stack trace. */
    private static final class NotSure extends Exception {
        private static final long serialVersionUID = 1L;
        static final NotSure INSTANCE = new NotSure();

        private NotSure() {
            super(null, null, false, false);
        }
    }
}
