package dev.apiguard.keycloak.tokens;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;

/**
 * Body of {@code GET /admin/realms/{realm}/apiguard/v1/token-policy}: the realm's ceiling and
 * settings, and every finding where the realm or a client is set above API Guard's rules. Tokens
 * are capped at issue time regardless; a finding says which setting does not take effect.
 */
public record TokenPolicyReport(
        @JsonProperty("accessTokenLifespanCeiling") int accessTokenLifespanCeiling,
        @JsonProperty("realmAccessTokenLifespan") int realmAccessTokenLifespan,
        @JsonProperty("defaultSignatureAlgorithm") String defaultSignatureAlgorithm,
        @JsonProperty("refreshTokenRotation") boolean refreshTokenRotation,
        @JsonProperty("findings") List<String> findings) {

    public static TokenPolicyReport of(RealmModel realm) {
        int ceiling = RealmTokenSettings.realmCeiling(realm);
        List<String> findings = new ArrayList<>();
        if (realm.getAccessTokenLifespan() > ceiling) {
            findings.add("realm accessTokenLifespan: " + realm.getAccessTokenLifespan() + " s is above the ceiling of "
                    + ceiling + " s; tokens are capped at " + ceiling + " s");
        }
        String algorithm = realm.getDefaultSignatureAlgorithm();
        if (algorithm != null && !SigningAlgorithms.ALLOWED.contains(algorithm)) {
            findings.add("realm defaultSignatureAlgorithm: " + algorithm + " is not allowed ("
                    + SigningAlgorithms.ALLOWED_TEXT + ")");
        } else if ("RS256".equals(algorithm)) {
            findings.add(
                    "realm defaultSignatureAlgorithm: RS256 is for clients that opt in; use ES256, PS256 or EdDSA");
        }
        if (!realm.isRevokeRefreshToken()) {
            findings.add(
                    "realm revokeRefreshToken: off, so refresh tokens are not rotated and reuse cannot be detected");
        }
        realm.getClientsStream().forEach(client -> findings.addAll(clientFindings(client, ceiling)));
        return new TokenPolicyReport(
                ceiling,
                realm.getAccessTokenLifespan(),
                algorithm,
                realm.isRevokeRefreshToken(),
                List.copyOf(findings));
    }

    private static List<String> clientFindings(ClientModel client, int ceiling) {
        List<String> findings = new ArrayList<>();
        Map<String, String> attributes = client.getAttributes();
        for (String violation : TokenPolicyRules.violations(attributes, ceiling)) {
            findings.add("client " + client.getClientId() + " " + violation);
        }
        return findings;
    }
}
