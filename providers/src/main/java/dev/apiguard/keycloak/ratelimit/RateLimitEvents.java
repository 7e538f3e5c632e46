package dev.apiguard.keycloak.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The events of the limiter, one per reported rule of a decision: an error event of the
 * endpoint's type (token: by grant type; login: {@code LOGIN_ERROR}; ...) with error
 * {@value #REFUSED} (enforced refusal), {@value #SHADOW} (a shadow rule would have refused) or
 * {@value #WARNING} (a bucket at 80%, once per window) and the details {@code apiguard_rule},
 * {@code apiguard_key_kind}, {@code apiguard_key}, {@code apiguard_mode} and, for a refusal,
 * {@code apiguard_retry_after}. The key is the client id, the address prefix or "realm"; a
 * username is never written: its key is {@code sha256:} and the first 16 hex digits of the SHA-256
 * of the lower-cased username (a pseudonym to correlate events, not a secret). No event carries a
 * secret. Each event is also a log line ({@code WARN} for a refusal or warning, {@code INFO} for
 * shadow).
 */
final class RateLimitEvents {

    static final String REFUSED = "rate_limited";
    static final String SHADOW = "rate_limited_shadow";
    static final String WARNING = "rate_limit_warning";

    private static final Logger LOG = Logger.getLogger(RateLimitEvents.class);

    private RateLimitEvents() {}

    static void report(
            KeycloakSession session, RealmModel realm, Decision decision, String clientId, String grantType) {
        for (int i = 0; i < decision.size; i++) {
            byte report = decision.reports[i];
            if (report == 0) {
                continue;
            }
            Rule rule = decision.rules[i];
            String key = eventKey(rule.key(), decision.keys[i]);
            String error = switch (report) {
                case Decision.REFUSED -> REFUSED;
                case Decision.SHADOW_REFUSED -> SHADOW;
                default -> WARNING;
            };
            RateLimitMetrics.count(realm.getName(), rule.name(), error);
            if (report == Decision.SHADOW_REFUSED) {
                LOG.infof(
                        "Rate limit (shadow) would refuse: realm '%s', rule '%s', %s '%s', endpoint %s",
                        realm.getName(), rule.name(), rule.key().documentName(), key, decision.endpoint.documentName());
            } else {
                LOG.warnf(
                        "Rate limit %s: realm '%s', rule '%s', %s '%s', endpoint %s",
                        report == Decision.REFUSED ? "refused a request" : "bucket at 80%",
                        realm.getName(),
                        rule.name(),
                        rule.key().documentName(),
                        key,
                        decision.endpoint.documentName());
            }
            EventBuilder event = new EventBuilder(
                            realm, session, session.getContext().getConnection())
                    .event(type(decision.endpoint, grantType))
                    .detail("apiguard_rule", rule.name())
                    .detail("apiguard_key_kind", rule.key().documentName())
                    .detail("apiguard_key", key)
                    .detail("apiguard_mode", rule.shadow() ? "shadow" : "enforce")
                    .detail("apiguard_endpoint", decision.endpoint.documentName());
            if (clientId != null) {
                event.client(clientId);
            }
            if (report == Decision.REFUSED) {
                event.detail("apiguard_retry_after", Long.toString(decision.retryAfterSeconds));
            }
            event.error(error);
        }
    }

    static String eventKey(KeyKind kind, String key) {
        return kind == KeyKind.USERNAME ? pseudonym(key) : key;
    }

    static String pseudonym(String username) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(username.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    static EventType type(Endpoint endpoint, String grantType) {
        return switch (endpoint) {
            case TOKEN ->
                grantType == null
                        ? EventType.CLIENT_LOGIN_ERROR
                        : switch (grantType) {
                            case OAuth2Constants.PASSWORD -> EventType.LOGIN_ERROR;
                            case OAuth2Constants.AUTHORIZATION_CODE -> EventType.CODE_TO_TOKEN_ERROR;
                            case OAuth2Constants.REFRESH_TOKEN -> EventType.REFRESH_TOKEN_ERROR;
                            case OAuth2Constants.TOKEN_EXCHANGE_GRANT_TYPE -> EventType.TOKEN_EXCHANGE_ERROR;
                            default -> EventType.CLIENT_LOGIN_ERROR;
                        };
            case AUTHORIZE, LOGIN -> EventType.LOGIN_ERROR;
            case PAR -> EventType.PUSHED_AUTHORIZATION_REQUEST_ERROR;
            case INTROSPECT -> EventType.INTROSPECT_TOKEN_ERROR;
            case REVOKE -> EventType.REVOKE_GRANT_ERROR;
            case USERINFO -> EventType.USER_INFO_REQUEST_ERROR;
            case DEVICE -> EventType.CLIENT_LOGIN_ERROR;
            case REGISTRATION -> EventType.CLIENT_REGISTER_ERROR;
        };
    }
}
