package dev.apiguard.keycloak.discovery;

import dev.apiguard.keycloak.common.BaselinePolicies;
import dev.apiguard.keycloak.tokens.SigningAlgorithms;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 *       offers {@code none}.</li>
 * </ul>
 * Everything else is Keycloak's, including its {@code openid-configuration-override} option.
 */
final class BaselineWellKnownProvider implements WellKnownProvider {

    static final String PKCE_METHODS = "code_challenge_methods_supported";
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
        Set<String> executors = BaselinePolicies.executorsForEveryClient(session, session.getContext().getRealm());
        boolean pkce = executors.contains("pkce-enforcer");
        boolean algorithms = executors.contains(SigningAlgorithms.ENFORCING_EXECUTOR);
        if (!pkce && !algorithms) {
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
                if (!"none".equalsIgnoreCase(algorithm) && (!serverSigned || SigningAlgorithms.ALLOWED.contains(algorithm))) {
                    kept.add(value);
                }
            }
            entry.setValue(kept);
        }
    }

    @Override
    public void close() {
        keycloak.close();
    }
}
