package dev.apiguard.keycloak.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.RefreshToken;
import org.keycloak.util.JsonSerialization;
import org.keycloak.util.TokenUtil;

/**
 * {@link PresentedRefreshToken#peek} (the payload read without Jackson's data binder or the signature
 * check) against {@link PresentedRefreshToken#of} on the token Keycloak's own reader makes of the
 * same payload ({@link JsonSerialization}, as {@code session.tokens().decode} does). Where peek
 * answers, both must agree; where it is not sure, it answers {@code null} ("verify first").
 */
class PresentedRefreshTokenTest {

    private static final long SEED = 0x7e_f7e5_4L;
    private static final int TOKENS = 3000;

    @Test
    void peekWhenKeycloakWroteTheTokenThenReadsWhatKeycloaksReaderReads() throws Exception {
        Random random = new Random(SEED);
        int complete = 0;
        int offline = 0;
        int withReuseId = 0;
        for (int i = 0; i < TOKENS; i++) {
            RefreshToken token = randomToken(random);
            byte[] payload = JsonSerialization.writeValueAsBytes(token);
            PresentedRefreshToken expected =
                    PresentedRefreshToken.of(JsonSerialization.readValue(payload, RefreshToken.class));

            PresentedRefreshToken peeked = PresentedRefreshToken.peek(compact(payload));

            assertThat(peeked)
                    .as("token %d: %s", i, new String(payload, StandardCharsets.UTF_8))
                    .isEqualTo(expected);
            if (expected != null) {
                complete++;
                offline += expected.offline() ? 1 : 0;
                withReuseId += expected.reuseId().isEmpty() ? 0 : 1;
            }
        }
        // The generator covers each kind often enough for the comparison to mean something.
        assertThat(complete).isGreaterThan(TOKENS / 2).isLessThan(TOKENS);
        assertThat(offline).isGreaterThan(complete / 4);
        assertThat(withReuseId).isGreaterThan(complete / 4);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "the last of duplicate claims wins | {\"jti\":\"a\",\"iat\":1,\"sid\":\"s\",\"jti\":\"b\",\"iat\":2}",
                "a JSON null is no value           | {\"jti\":\"a\",\"iat\":1,\"sid\":\"s\",\"azp\":null,\"reuse_id\":null}",
                "nested values are skipped         | {\"x\":{\"jti\":\"no\",\"iat\":9},\"jti\":\"a\",\"iat\":1,\"sid\":\"s\",\"y\":[1,{\"sid\":\"no\"}]}",
                "escaped strings                   | {\"jti\":\"a\\u0062\",\"iat\":1,\"sid\":\"s\\\"t\",\"azp\":\"\\u00e9\"}",
                "a negative issue time             | {\"jti\":\"a\",\"iat\":-5,\"sid\":\"s\",\"typ\":\"Offline\"}",
            })
    void peekWhenTheClaimsAreOddButKeycloakReadsThemThenAgreesWithKeycloak(String description, String json)
            throws Exception {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        PresentedRefreshToken expected =
                PresentedRefreshToken.of(JsonSerialization.readValue(payload, RefreshToken.class));

        assertThat(expected).isNotNull();
        assertThat(PresentedRefreshToken.peek(compact(payload))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no id                          | {\"iat\":1,\"sid\":\"s\"}",
                "no issue time                  | {\"jti\":\"a\",\"sid\":\"s\"}",
                "no session                     | {\"jti\":\"a\",\"iat\":1}",
                "issue time with a fraction     | {\"jti\":\"a\",\"iat\":1.5,\"sid\":\"s\"}",
                "issue time as a string         | {\"jti\":\"a\",\"iat\":\"1\",\"sid\":\"s\"}",
                "issue time beyond a long       | {\"jti\":\"a\",\"iat\":99999999999999999999,\"sid\":\"s\"}",
                "an id that is a number         | {\"jti\":1,\"iat\":1,\"sid\":\"s\"}",
                "a reuse id that is a number    | {\"jti\":\"a\",\"iat\":1,\"sid\":\"s\",\"reuse_id\":5}",
                "a client that is a list        | {\"jti\":\"a\",\"iat\":1,\"sid\":\"s\",\"azp\":[\"c\"]}",
                "not an object                  | [{\"jti\":\"a\",\"iat\":1,\"sid\":\"s\"}]",
                "a string                       | \"jti\"",
                "content after the object       | {\"jti\":\"a\",\"iat\":1,\"sid\":\"s\"} {}",
                "a truncated object             | {\"jti\":\"a\",\"iat\":1,\"sid\":\"s\"",
                "truncated after a name         | {\"jti\":\"a\",\"iat\":1,\"sid\"",
                "truncated after a colon        | {\"jti\":\"a\",\"iat\":1,\"sid\":",
                "not JSON                       | jti=a&iat=1&sid=s",
                "empty                          | ''",
            })
    void peekWhenThePayloadIsNotOneItIsSureToReadAsKeycloakThenNull(String description, String json) {
        assertThat(PresentedRefreshToken.peek(compact(json.getBytes(StandardCharsets.UTF_8))))
                .isNull();
    }

    @Test
    void peekWhenTheCompactFormIsBrokenThenNull() {
        String payload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"jti\":\"a\",\"iat\":1,\"sid\":\"s\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(PresentedRefreshToken.peek("h." + payload + ".sig")).isNotNull();
        assertThat(PresentedRefreshToken.peek(null)).isNull();
        assertThat(PresentedRefreshToken.peek(payload)).as("one part").isNull();
        assertThat(PresentedRefreshToken.peek("h." + payload)).as("two parts").isNull();
        assertThat(PresentedRefreshToken.peek("h." + payload + ".sig.more"))
                .as("four parts")
                .isNull();
        assertThat(PresentedRefreshToken.peek("." + payload + ".sig"))
                .as("no header")
                .isNull();
        assertThat(PresentedRefreshToken.peek("h." + payload + "*.sig"))
                .as("not base64url")
                .isNull();
        assertThat(PresentedRefreshToken.peek("h." + payload.replace('_', '/') + "+.sig"))
                .as("base64, not base64url")
                .isNull();
        String oversized = "h." + payload + "." + "s".repeat(PresentedRefreshToken.MAX_PEEK_CHARS);
        assertThat(PresentedRefreshToken.peek(oversized))
                .as("longer than a peek reads")
                .isNull();
    }

    private static String compact(byte[] payload) {
        return "eyJhbGciOiJIUzUxMiJ9." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload) + ".c2ln";
    }

    /** A refresh token as Keycloak makes them, with some of the claims peek reads left out. */
    private static RefreshToken randomToken(Random random) {
        AccessToken access = new AccessToken();
        if (random.nextInt(8) > 0) {
            access.setSessionId(text(random));
        }
        if (random.nextInt(6) > 0) {
            access.issuedFor(text(random));
        }
        access.issuer("https://127.0.0.1:8443/realms/" + text(random));
        access.subject(text(random));
        access.audience(text(random), text(random));
        access.setScope("openid " + text(random));
        access.exp(1_700_000_000L + random.nextInt(1000));
        RefreshToken token = new RefreshToken(access, null, random.nextBoolean() ? null : "default");
        // As TokenManager does: the refresh token's own id and issue time.
        if (random.nextInt(8) > 0) {
            token.id(text(random));
        }
        if (random.nextInt(8) > 0) {
            token.iat(random.nextBoolean() ? 1_700_000_000L + random.nextInt(100_000_000) : random.nextLong());
        }
        if (random.nextBoolean()) {
            token.type(TokenUtil.TOKEN_TYPE_OFFLINE);
        }
        if (random.nextBoolean()) {
            token.getOtherClaims().put("reuse_id", text(random));
        }
        for (int c = random.nextInt(4); c > 0; c--) {
            token.getOtherClaims().put("x-" + text(random), otherClaim(random, 2));
        }
        return token;
    }

    private static Object otherClaim(Random random, int depth) {
        return switch (random.nextInt(depth > 0 ? 6 : 4)) {
            case 0 -> text(random);
            case 1 -> random.nextLong();
            case 2 -> random.nextBoolean();
            case 3 -> random.nextDouble();
            case 4 -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(3); i > 0; i--) {
                    list.add(otherClaim(random, depth - 1));
                }
                yield list;
            }
            default -> {
                // Claims peek reads, nested: they must not count.
                Map<String, Object> map = new LinkedHashMap<>();
                map.put("jti", text(random));
                map.put("iat", random.nextLong());
                map.put("sid", otherClaim(random, depth - 1));
                yield map;
            }
        };
    }

    /** Letters, digits, quotes, backslashes, control characters and non-ASCII, as JSON escapes them. */
    private static String text(Random random) {
        String alphabet = "abcXYZ019-_.\"\\/\n\t\u00e9\u4e2d\ud83d\ude00 ";
        StringBuilder text = new StringBuilder();
        for (int i = 1 + random.nextInt(12); i > 0; i--) {
            int at = random.nextInt(alphabet.length());
            char c = alphabet.charAt(at);
            if (Character.isHighSurrogate(c)) {
                text.append(c).append(alphabet.charAt(at + 1));
            } else if (!Character.isLowSurrogate(c)) {
                text.append(c);
            }
        }
        return text.toString();
    }
}
