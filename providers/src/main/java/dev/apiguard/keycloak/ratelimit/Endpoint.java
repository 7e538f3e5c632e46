package dev.apiguard.keycloak.ratelimit;

import java.util.Locale;

/**
 * The endpoints a rule may limit, by the name the document uses, and how a request path
 * ({@code /realms/{realm}/...}) maps to one. Every other path is not limited.
 */
public enum Endpoint {
    /** {@code protocol/openid-connect/token}, every grant. */
    TOKEN(true),
    /** {@code protocol/openid-connect/auth}: the authorization endpoint (a browser endpoint). */
    AUTHORIZE(false),
    /** {@code login-actions/authenticate}: the login form posts (password, OTP; a browser endpoint). */
    LOGIN(false),
    /** {@code protocol/openid-connect/ext/par/request}. */
    PAR(true),
    /** {@code protocol/openid-connect/token/introspect}. */
    INTROSPECT(true),
    /** {@code protocol/openid-connect/revoke}. */
    REVOKE(true),
    /** {@code protocol/openid-connect/userinfo}. */
    USERINFO(false),
    /** {@code protocol/openid-connect/auth/device}. */
    DEVICE(true),
    /** {@code clients-registrations/...}: dynamic client registration. */
    REGISTRATION(false);

    /** Whether the request names its client in a form parameter or the Basic header. */
    final boolean clientInForm;

    Endpoint(boolean clientInForm) {
        this.clientInForm = clientInForm;
    }

    /** The name in the document: lower case. */
    String documentName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether refusals are shown as a themed page rather than JSON. */
    boolean browser() {
        return this == AUTHORIZE || this == LOGIN;
    }

    static Endpoint ofDocumentName(String name) {
        for (Endpoint endpoint : values()) {
            if (endpoint.documentName().equals(name)) {
                return endpoint;
            }
        }
        return null;
    }

    /**
     * The endpoint of {@code path} below {@code /realms/{realm}/} (leading slash optional), or
     * {@code null}. Also answers the realm name through {@code realmOut[0]}.
     */
    static Endpoint of(String path, String[] realmOut) {
        int start = path.startsWith("/") ? 1 : 0;
        if (!path.startsWith("realms/", start)) {
            return null;
        }
        int realmStart = start + 7;
        int realmEnd = path.indexOf('/', realmStart);
        if (realmEnd < 0) {
            return null;
        }
        realmOut[0] = path.substring(realmStart, realmEnd);
        String rest = path.substring(realmEnd + 1);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        return switch (rest) {
            case "protocol/openid-connect/token" -> TOKEN;
            case "protocol/openid-connect/auth" -> AUTHORIZE;
            case "login-actions/authenticate" -> LOGIN;
            case "protocol/openid-connect/ext/par/request" -> PAR;
            case "protocol/openid-connect/token/introspect" -> INTROSPECT;
            case "protocol/openid-connect/revoke" -> REVOKE;
            case "protocol/openid-connect/userinfo" -> USERINFO;
            case "protocol/openid-connect/auth/device" -> DEVICE;
            default -> rest.startsWith("clients-registrations/") ? REGISTRATION : null;
        };
    }
}
