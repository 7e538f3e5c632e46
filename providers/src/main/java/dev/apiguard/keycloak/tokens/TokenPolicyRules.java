package dev.apiguard.keycloak.tokens;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;

/**
 * What a client may not propose for its tokens under the baseline: an access-token lifespan above
 * the realm's ceiling, a signing algorithm outside {@link SigningAlgorithms#ALLOWED}, or turning
 * off RFC 9068's {@code at+jwt} header. Each violation starts with the attribute's name.
 */
public final class TokenPolicyRules {

    public static final String RFC9068_HEADER_ATTRIBUTE = "access.token.header.type.rfc9068";

    private TokenPolicyRules() {}

    /**
     * @param proposedAttributes the client attributes a create or update request proposes ({@code null}: none)
     * @param realmCeiling the realm's access-token ceiling in seconds
     */
    public static List<String> violations(Map<String, String> proposedAttributes, int realmCeiling) {
        List<String> violations = new ArrayList<>();
        if (proposedAttributes == null) {
            return violations;
        }
        String lifespan = proposedAttributes.get(OIDCConfigAttributes.ACCESS_TOKEN_LIFESPAN);
        try {
            Integer seconds = LifetimeCeilings.clientLifespan(lifespan);
            if (seconds != null && (seconds < 1 || seconds > realmCeiling)) {
                violations.add(OIDCConfigAttributes.ACCESS_TOKEN_LIFESPAN + ": " + seconds
                        + " s is outside 1.." + realmCeiling + " s (the realm's access-token ceiling, "
                        + LifetimeCeilings.REALM_CEILING_ATTRIBUTE + ")");
            }
        } catch (NumberFormatException e) {
            violations.add(
                    OIDCConfigAttributes.ACCESS_TOKEN_LIFESPAN + ": '" + lifespan + "' is not a number of seconds");
        }
        for (String attribute : SigningAlgorithms.CLIENT_ATTRIBUTES) {
            String algorithm = proposedAttributes.get(attribute);
            if (algorithm != null && !algorithm.isBlank() && !SigningAlgorithms.ALLOWED.contains(algorithm)) {
                violations.add(
                        attribute + ": " + algorithm + " is not allowed (" + SigningAlgorithms.ALLOWED_TEXT + ")");
            }
        }
        if ("false".equalsIgnoreCase(proposedAttributes.get(RFC9068_HEADER_ATTRIBUTE))) {
            violations.add(RFC9068_HEADER_ATTRIBUTE + ": access tokens must carry the RFC 9068 header typ at+jwt");
        }
        return violations;
    }
}
