package dev.apiguard.keycloak.discovery;

import dev.apiguard.keycloak.common.BaselinePolicies;
import dev.apiguard.keycloak.tokens.SigningAlgorithms;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.keycloak.OAuth2Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.util.JsonSerialization;
import org.keycloak.wellknown.WellKnownProvider;

/**
 * Keycloak's OIDC discovery document, narrowed to what the realm's baseline enforces:
 * <ul>
 *   <li>with {@code pkce-enforcer} for every client: {@code code_challenge_methods_supported} is
 *       {@code ["S256"]};</li>
 *   <li>with {@code apiguard-token-policy} for every client: the algorithms the server signs with
 *       ({@code id_token}, {@code userinfo}, {@code introspection}, {@code authorization}) are
 *       only those {@link SigningAlgorithms} allows, and no {@code *_alg_values_supported} list
 *       offers {@code none};</li>
 *   <li>with {@code reject-implicit-grant} for every client: {@code response_types_supported} is
 *       {@code ["code"]} (the executor refuses every implicit and hybrid response type) and
 *       {@code grant_types_supported} lists no {@code implicit};</li>
 *   <li>with {@code reject-ropc-grant} for every client: {@code grant_types_supported} lists no
 *       {@code password}.</li>
 * </ul>
 * Everything else is Keycloak's, including its {@code openid-configuration-override} option.
 */
final class BaselineWellKnownProvider implements WellKnownProvider {

    static final String PKCE_METHODS = "code_challenge_methods_supported";
    static final String RESPONSE_TYPES = "response_types_supported";
    static final String GRANT_TYPES = "grant_types_supported";
    static final String REJECT_IMPLICIT = "reject-implicit-grant";
    static final String REJECT_PASSWORD = "reject-ropc-grant";
    static final List<String> SERVER_SIGNED = List.of(
            "id_token_signing_alg_values_supported", "userinfo_signing_alg_values_supported",
            "introspection_signing_alg_values_supported", "authorization_signing_alg_values_supported");

    private final KeycloakSession session;
    private final WellKnownProvider keycloak;

    BaselineWellKnownProvider(KeycloakSession session, WellKnownProvider keycloak) {
        this.session = session;
        this.keycloak = Objects.requireNonNull(keycloak, "Keycloak's openid-configuration provider");
    }

    @Override
    public Object getConfig() {
        Object config = keycloak.getConfig();
        Set<String> executors = BaselinePolicies.executorsForEveryClient(
                session, session.getContext().getRealm());
        boolean pkce = executors.contains("pkce-enforcer");
        boolean algorithms = executors.contains(SigningAlgorithms.ENFORCING_EXECUTOR);
        boolean noImplicit = executors.contains(REJECT_IMPLICIT);
        boolean noPassword = executors.contains(REJECT_PASSWORD);
        if (!pkce && !algorithms && !noImplicit && !noPassword) {
            return config;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> document = JsonSerialization.mapper.convertValue(config, Map.class);
        if (pkce) {
            document.put(PKCE_METHODS, List.of("S256"));
        }
        if (algorithms) {
            narrowAlgorithms(document);
        }
        narrowFlows(document, noImplicit, noPassword);
        return document;
    }

    static void narrowAlgorithms(Map<String, Object> document) {
        for (Map.Entry<String, Object> entry : document.entrySet()) {
            if (!entry.getKey().endsWith("_alg_values_supported") || !(entry.getValue() instanceof List<?> values)) {
                continue;
            }
            List<Object> kept = new ArrayList<>();
            for (Object value : values) {
                String algorithm = String.valueOf(value);
                boolean serverSigned = SERVER_SIGNED.contains(entry.getKey());
                if (!"none".equalsIgnoreCase(algorithm)
                        && (!serverSigned || SigningAlgorithms.ALLOWED.contains(algorithm))) {
                    kept.add(value);
                }
            }
            entry.setValue(kept);
        }
    }

    /** Only {@code code} as response type without the implicit flow; no grant type the baseline refuses. */
    static void narrowFlows(Map<String, Object> document, boolean noImplicit, boolean noPassword) {
        if (noImplicit && document.get(RESPONSE_TYPES) instanceof List<?> types) {
            document.put(
                    RESPONSE_TYPES,
                    types.stream().filter(OAuth2Constants.CODE::equals).toList());
        }
        if ((noImplicit || noPassword) && document.get(GRANT_TYPES) instanceof List<?> grants) {
            document.put(
                    GRANT_TYPES,
                    grants.stream()
                            .filter(grant -> !(noImplicit && OAuth2Constants.IMPLICIT.equals(grant)))
                            .filter(grant -> !(noPassword && OAuth2Constants.PASSWORD.equals(grant)))
                            .toList());
        }
    }

    @Override
    public void close() {
        keycloak.close();
    }
}
