package dev.apiguard.keycloak.tokens;

import java.util.List;
import java.util.Set;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;

/**
 * The algorithms a realm under the baseline signs tokens with: FAPI 2.0's PS256, ES256 and EdDSA,
 * plus RS256 for clients that opt in for compatibility; never {@code none} nor an HMAC.
 */
public final class SigningAlgorithms {

    /** The executor whose presence in a realm's baseline makes discovery advertise only these. */
    public static final String ENFORCING_EXECUTOR = TokenPolicyExecutorFactory.PROVIDER_ID;

    public static final Set<String> ALLOWED = Set.of("ES256", "PS256", "EdDSA", "RS256");

    /** {@link #ALLOWED} as messages state it: RS256 is allowed, for clients that opt in. */
    public static final String ALLOWED_TEXT = "allowed: ES256, PS256, EdDSA; RS256 as opt-in";

    /** Client attributes that choose an algorithm for something the server signs. */
    public static final List<String> CLIENT_ATTRIBUTES = List.of(
            OIDCConfigAttributes.ACCESS_TOKEN_SIGNED_RESPONSE_ALG, OIDCConfigAttributes.ID_TOKEN_SIGNED_RESPONSE_ALG,
            OIDCConfigAttributes.USER_INFO_RESPONSE_SIGNATURE_ALG,
                    OIDCConfigAttributes.AUTHORIZATION_SIGNED_RESPONSE_ALG);

    private SigningAlgorithms() {}
}
