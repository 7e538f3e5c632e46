package dev.apiguard.keycloak.audit;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How each kind of event is classified: ECS {@code event.category} / {@code event.type} and the OCSF
 * class and activity. User events are classified by their Keycloak type (without {@code _ERROR});
 * API Guard's own decisions, which reach Keycloak's event stream with an error code of their own,
 * by that code first.
 */
final class EventClasses {

    /** One classification. {@code decision} names an API Guard decision, or is null. */
    record Classification(
            List<String> category,
            List<String> type,
            int ocsfClass,
            String ocsfClassName,
            int ocsfCategory,
            int activity,
            String decision) {}

    static final int AUTHENTICATION = 3002;
    static final int ACCOUNT_CHANGE = 3001;
    static final int AUTHORIZE_SESSION = 3003;
    static final int API_ACTIVITY = 6003;

    /** API Guard's decisions: error code to (decision name, OCSF class). */
    private static final Map<String, Classification> DECISIONS = Map.of(
            "scope_policy_denied",
                    new Classification(
                            List.of("iam"),
                            List.of("denied"),
                            AUTHORIZE_SESSION,
                            "Authorize Session",
                            3,
                            1,
                            "abac_deny"),
            "step_up_required",
                    new Classification(
                            List.of("iam"), List.of("denied"), AUTHORIZE_SESSION, "Authorize Session", 3, 1, "step_up"),
            "pkce_challenge_reused",
                    new Classification(
                            List.of("authentication"),
                            List.of("denied"),
                            AUTHENTICATION,
                            "Authentication",
                            3,
                            99,
                            "pkce_challenge_reuse"),
            "refresh_token_reused",
                    new Classification(
                            List.of("authentication"),
                            List.of("denied"),
                            AUTHENTICATION,
                            "Authentication",
                            3,
                            3,
                            "refresh_token_reuse"),
            "rate_limited",
                    new Classification(
                            List.of("authentication"),
                            List.of("denied"),
                            AUTHENTICATION,
                            "Authentication",
                            3,
                            99,
                            "rate_limit_refusal"));

    private EventClasses() {}

    static Classification ofUserEvent(String keycloakType, String error) {
        if (error != null && DECISIONS.containsKey(error)) {
            return DECISIONS.get(error);
        }
        String type = keycloakType.endsWith("_ERROR")
                ? keycloakType.substring(0, keycloakType.length() - "_ERROR".length())
                : keycloakType;
        return switch (type) {
            case "LOGIN", "IDENTITY_PROVIDER_LOGIN", "IDENTITY_PROVIDER_FIRST_LOGIN", "IMPERSONATE" -> auth("start", 1);
            case "LOGOUT", "IDENTITY_PROVIDER_LOGOUT" -> auth("end", 2);
            case "CLIENT_LOGIN",
                    "CODE_TO_TOKEN",
                    "REFRESH_TOKEN",
                    "TOKEN_EXCHANGE",
                    "OAUTH2_DEVICE_CODE_TO_TOKEN",
                    "AUTHREQID_TO_TOKEN",
                    "PERMISSION_TOKEN" -> auth("start", 3);
            case "INTROSPECT_TOKEN", "USER_INFO_REQUEST", "VALIDATE_ACCESS_TOKEN" -> auth("info", 4);
            case "REVOKE_GRANT" -> auth("end", 99);
            case "REGISTER" -> account(List.of("user", "creation"), 1);
            case "DELETE_ACCOUNT" -> account(List.of("user", "deletion"), 6);
            case "UPDATE_PASSWORD", "UPDATE_CREDENTIAL" -> account(List.of("user", "change"), 3);
            case "RESET_PASSWORD", "SEND_RESET_PASSWORD" -> account(List.of("user", "change"), 4);
            case "UPDATE_TOTP" -> account(List.of("user", "change"), 10);
            case "REMOVE_TOTP", "REMOVE_CREDENTIAL" -> account(List.of("user", "change"), 11);
            case "UPDATE_EMAIL",
                    "UPDATE_PROFILE",
                    "VERIFY_EMAIL",
                    "VERIFY_PROFILE",
                    "GRANT_CONSENT",
                    "UPDATE_CONSENT",
                    "REVOKE_CONSENT" -> account(List.of("user", "change"), 99);
            case "CLIENT_REGISTER" -> api(List.of("creation"), 1);
            case "CLIENT_UPDATE" -> api(List.of("change"), 3);
            case "CLIENT_DELETE" -> api(List.of("deletion"), 4);
            case "CLIENT_INFO" -> api(List.of("access"), 2);
            default -> auth("info", 99);
        };
    }

    /** Admin events: ECS configuration change, OCSF API Activity (create 1, read 2, update 3, delete 4). */
    static Classification ofAdminEvent(String operation) {
        String op = operation == null ? "ACTION" : operation.toUpperCase(Locale.ROOT);
        return switch (op) {
            case "CREATE" -> api(List.of("creation"), 1);
            case "UPDATE" -> api(List.of("change"), 3);
            case "DELETE" -> api(List.of("deletion"), 4);
            default -> api(List.of("info"), 99);
        };
    }

    private static Classification auth(String type, int activity) {
        return new Classification(
                List.of("authentication"), List.of(type), AUTHENTICATION, "Authentication", 3, activity, null);
    }

    private static Classification account(List<String> type, int activity) {
        return new Classification(List.of("iam"), type, ACCOUNT_CHANGE, "Account Change", 3, activity, null);
    }

    private static Classification api(List<String> type, int activity) {
        return new Classification(
                List.of("configuration", "iam"), type, API_ACTIVITY, "API Activity", 6, activity, null);
    }
}
