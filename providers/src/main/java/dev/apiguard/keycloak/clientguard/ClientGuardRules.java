package dev.apiguard.keycloak.clientguard;

import dev.apiguard.keycloak.kc.Logins;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;
import org.keycloak.utils.StringUtil;

/**
 * The baseline rules for a client's registration, as pure functions of the values a create or
 * update request proposes. A value the request does not propose ({@code null}) is left to
 * Keycloak's auto-configuring executors that run after the guard in the baseline profile
 * ({@code pkce-enforcer}, {@code reject-implicit-grant}, {@code reject-ropc-grant}), which set it
 * to the compliant value. The rules:
 * <ul>
 *   <li>{@code pkce.code.challenge.method}, when proposed for a client with the code flow, must
 *       be {@code S256};</li>
 *   <li>{@code implicitFlowEnabled} and {@code directAccessGrantsEnabled} must not be proposed
 *       {@code true};</li>
 *   <li>every proposed redirect URI must be absolute, without wildcard or fragment, and use
 *       {@code https}, or {@code http} on the loopback addresses {@code 127.0.0.1} or
 *       {@code [::1]} without a port (RFC 8252 7.3: any port is accepted at request time).</li>
 * </ul>
 * Each violation is one message that starts with the field's name; no message carries a secret.
 * {@link #matchesExactly} is the rule for a {@code redirect_uri} at the authorization endpoint,
 * {@link #oversizedParameter} the length rule for its standard parameters.
 */
public final class ClientGuardRules {

    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]");

    /** The authorization-request parameters whose length Keycloak limits (see {@link Logins#LIMITED_PARAMETERS}). */
    static final List<String> LIMITED_PARAMETERS = Logins.LIMITED_PARAMETERS;

    /** A parameter over its limit: its name, its length (as Keycloak counts it) and the limit. */
    public record Oversized(String name, int length, int limit) {}

    private ClientGuardRules() {}

    /**
     * The first of {@link #LIMITED_PARAMETERS} whose first value is longer than {@code limit}
     * allows, counted as Keycloak counts it (after removing control characters), or {@code null}.
     *
     * @param parameters the request's parameters
     * @param limit the maximum length of a parameter, by name (Keycloak's {@code OIDCProviderConfig})
     */
    public static Oversized oversizedParameter(Map<String, List<String>> parameters, ToIntFunction<String> limit) {
        for (String name : LIMITED_PARAMETERS) {
            List<String> values = parameters.get(name);
            String value = values == null || values.isEmpty() ? null : values.get(0);
            if (value == null) {
                continue;
            }
            int max = limit.applyAsInt(name);
            // The raw length bounds the cleaned one: clean (a regular expression) only when it may matter.
            if (value.length() > max) {
                int length = StringUtil.removeControlCharacters(value).length();
                if (length > max) {
                    return new Oversized(name, length, max);
                }
            }
        }
        return null;
    }

    /**
     * @param codeFlowEnabled whether the client will have the authorization-code flow after the change
     * @param proposedPkceMethod the proposed PKCE method attribute, {@code null} when not proposed
     * @param proposedImplicitFlow the proposed implicit-flow switch, {@code null} when not proposed
     * @param proposedDirectAccessGrants the proposed password-grant switch, {@code null} when not proposed
     * @param proposedRedirectUris the proposed redirect URIs, {@code null} when not proposed
     * @return the violations, empty when the change keeps the baseline
     */
    public static List<String> violations(
            boolean codeFlowEnabled,
            String proposedPkceMethod,
            Boolean proposedImplicitFlow,
            Boolean proposedDirectAccessGrants,
            List<String> proposedRedirectUris) {
        List<String> violations = new ArrayList<>();
        if (codeFlowEnabled && proposedPkceMethod != null && !"S256".equals(proposedPkceMethod)) {
            violations.add(OIDCConfigAttributes.PKCE_CODE_CHALLENGE_METHOD
                    + ": must be S256 for a client with the authorization-code flow (was '"
                    + (proposedPkceMethod.isEmpty() ? "none" : proposedPkceMethod) + "')");
        }
        if (Boolean.TRUE.equals(proposedImplicitFlow)) {
            violations.add("implicitFlowEnabled: the implicit flow is not allowed (OAuth 2.1, RFC 9700 2.1.2)");
        }
        if (Boolean.TRUE.equals(proposedDirectAccessGrants)) {
            violations.add("directAccessGrantsEnabled: the password grant is not allowed (RFC 9700 2.4)");
        }
        if (proposedRedirectUris != null) {
            for (String uri : proposedRedirectUris) {
                String problem = redirectUriProblem(uri);
                if (problem != null) {
                    violations.add("redirectUris: '" + uri + "' " + problem);
                }
            }
        }
        return violations;
    }

    /**
     * Whether a {@code redirect_uri} request parameter equals one of the client's registered
     * redirect URIs exactly. The one exception is RFC 8252 7.3: a loopback {@code http} URI
     * registered without a port matches the same URI with any port. A {@code null} request never
     * matches; a URI that does not parse, has no host or carries user information matches only
     * when it is registered character for character (which the baseline's registration rules
     * never allow).
     *
     * @param requested the {@code redirect_uri} parameter
     * @param registered the client's registered redirect URIs, resolved to absolute URIs
     */
    public static boolean matchesExactly(String requested, Iterable<String> registered) {
        if (requested == null) {
            return false;
        }
        for (String candidate : registered) {
            if (candidate.equals(requested)) {
                return true;
            }
        }
        URI uri;
        try {
            uri = new URI(requested);
        } catch (URISyntaxException e) {
            return false;
        }
        // A URI whose authority is not a host and port (e.g. "127.0.0.1%40evil.example:53682") parses
        // with no host: it matches nothing. Set.of(...).contains(null) would throw.
        String host = uri.getHost();
        if (host == null
                || uri.getUserInfo() != null
                || !"http".equals(uri.getScheme())
                || !LOOPBACK_HOSTS.contains(host)
                || uri.getPort() == -1) {
            return false;
        }
        String withoutPort;
        try {
            withoutPort = new URI(
                            uri.getScheme(),
                            uri.getUserInfo(),
                            uri.getHost(),
                            -1,
                            uri.getPath(),
                            uri.getQuery(),
                            uri.getFragment())
                    .toString();
        } catch (URISyntaxException e) {
            return false;
        }
        for (String candidate : registered) {
            if (candidate.equals(withoutPort)) {
                return true;
            }
        }
        return false;
    }

    /** Why a redirect URI breaks the baseline, or {@code null} when it is fine. */
    static String redirectUriProblem(String value) {
        if (value == null || value.isBlank()) {
            return "is empty";
        }
        if (value.contains("*")) {
            return "contains a wildcard: register every redirect URI exactly";
        }
        if (value.contains("#")) {
            return "contains a fragment";
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return "is not a valid URI";
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            return "is not an absolute URI with a host";
        }
        if (uri.getUserInfo() != null) {
            return "contains user information";
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if ("https".equals(scheme)) {
            return null;
        }
        if ("http".equals(scheme)) {
            if (!LOOPBACK_HOSTS.contains(uri.getHost())) {
                return "uses http: only https, or http on 127.0.0.1 or [::1] for native apps (RFC 8252), is allowed";
            }
            if (uri.getPort() != -1) {
                return "has a port: register loopback URIs without one; any port is accepted at request time (RFC 8252 7.3)";
            }
            return null;
        }
        return "uses scheme '" + scheme + "': only https, or http on a loopback address, is allowed";
    }
}
