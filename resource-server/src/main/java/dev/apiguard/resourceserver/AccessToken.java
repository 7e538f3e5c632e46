package dev.apiguard.resourceserver;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A validated access token: only ever built by {@link AccessTokenValidator} after every check passed.
 *
 * @param subject    {@code sub}
 * @param clientId   {@code client_id}
 * @param issuer     {@code iss}, exactly as the discovery document names it
 * @param audience   {@code aud}
 * @param scopes     the space-delimited {@code scope} claim, split
 * @param tokenId    {@code jti}
 * @param issuedAt   {@code iat}
 * @param expiresAt  {@code exp}
 * @param acr        {@code acr}, or {@code null} when absent
 * @param authTime   {@code auth_time}, or {@code null} when absent
 * @param jkt        the DPoP key thumbprint {@code cnf.jkt} the token is bound to, or {@code null} for a Bearer token
 * @param claims     every claim, for application-specific use
 */
public record AccessToken(
        String subject,
        String clientId,
        String issuer,
        List<String> audience,
        Set<String> scopes,
        String tokenId,
        Instant issuedAt,
        Instant expiresAt,
        String acr,
        Instant authTime,
        String jkt,
        JWTClaimsSet claims) {

    public AccessToken {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(issuer, "issuer");
        audience = List.copyOf(audience);
        scopes = Set.copyOf(scopes);
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(claims, "claims");
    }

    /** Whether the token is sender-constrained by DPoP ({@code cnf.jkt} present). */
    public boolean isDpopBound() {
        return jkt != null;
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
