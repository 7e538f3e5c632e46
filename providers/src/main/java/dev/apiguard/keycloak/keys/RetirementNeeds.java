package dev.apiguard.keycloak.keys;

import dev.apiguard.keycloak.tokens.LifetimeCeilings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;

/**
 * How long a retired key must still verify: the longest lifetime of anything it signed, read from
 * the realm's settings when they are checked.
 *
 * <ul>
 *   <li>Signing keys (ES256, RS256, ...) sign access and ID tokens: the realm's access-token
 *       lifespan, every client's override, the implicit-flow lifespan where a client still has
 *       implicit on.</li>
 *   <li>HMAC and AES keys sign refresh tokens, action tokens and the SSO cookie: the SSO session
 *       maximum (and remember-me maximum), the offline session lifetime, and both action-token
 *       lifespans.</li>
 * </ul>
 *
 * @param signing lifetimes a signing key must outlive
 * @param secret  lifetimes an HMAC or AES key must outlive
 */
record RetirementNeeds(List<Lifetime> signing, List<Lifetime> secret) {

    /** One lifetime and the setting it comes from, for messages. */
    record Lifetime(String setting, long seconds) {}

    RetirementNeeds {
        signing = List.copyOf(signing);
        secret = List.copyOf(secret);
    }

    static RetirementNeeds of(RealmModel realm) {
        List<Lifetime> signing = new ArrayList<>();
        signing.add(new Lifetime("realm accessTokenLifespan", realm.getAccessTokenLifespan()));
        realm.getClientsStream().forEach(client -> {
            try {
                Integer lifespan = LifetimeCeilings.clientLifespan(
                        client.getAttribute(OIDCConfigAttributes.ACCESS_TOKEN_LIFESPAN));
                if (lifespan != null) {
                    signing.add(new Lifetime(
                            "client " + client.getClientId() + " " + OIDCConfigAttributes.ACCESS_TOKEN_LIFESPAN,
                            lifespan));
                }
            } catch (NumberFormatException e) {
                // Keycloak itself ignores an unreadable override and uses the realm's lifespan.
            }
        });
        if (realm.getClientsStream().anyMatch(ClientModel::isImplicitFlowEnabled)) {
            signing.add(new Lifetime(
                    "realm accessTokenLifespanForImplicitFlow", realm.getAccessTokenLifespanForImplicitFlow()));
        }

        List<Lifetime> secret = new ArrayList<>();
        secret.add(new Lifetime("realm ssoSessionMaxLifespan", realm.getSsoSessionMaxLifespan()));
        if (realm.isRememberMe() && realm.getSsoSessionMaxLifespanRememberMe() > 0) {
            secret.add(
                    new Lifetime("realm ssoSessionMaxLifespanRememberMe", realm.getSsoSessionMaxLifespanRememberMe()));
        }
        long offline = realm.getOfflineSessionIdleTimeout();
        if (realm.isOfflineSessionMaxLifespanEnabled() && realm.getOfflineSessionMaxLifespan() > 0) {
            offline = Math.min(offline, realm.getOfflineSessionMaxLifespan());
        }
        secret.add(new Lifetime("realm offlineSessionIdleTimeout", offline));
        secret.add(new Lifetime(
                "realm actionTokenGeneratedByAdminLifespan", realm.getActionTokenGeneratedByAdminLifespan()));
        secret.add(new Lifetime(
                "realm actionTokenGeneratedByUserLifespan", realm.getActionTokenGeneratedByUserLifespan()));
        return new RetirementNeeds(signing, secret);
    }

    /** The longest lifetime a signing key must outlive, plus the policy's clock skew. */
    long signingSeconds(RotationPolicy policy) {
        return longest(signing).seconds() + policy.clockSkew();
    }

    /** The longest lifetime an HMAC or AES key must outlive, plus the policy's clock skew. */
    long secretSeconds(RotationPolicy policy) {
        return longest(secret).seconds() + policy.clockSkew();
    }

    /** What the schedule applies: the policy's period, never less than the realm needs now. */
    long effectiveRetirement(RotationPolicy policy, KeyKind kind) {
        return kind == KeyKind.SECRET
                ? Math.max(policy.secretKeyRetirement(), secretSeconds(policy))
                : Math.max(policy.retirement(), signingSeconds(policy));
    }

    /** Every way {@code policy} would let a key be deleted while something it signed still lives. */
    List<String> problems(RotationPolicy policy) {
        List<String> problems = new ArrayList<>();
        check("retirement", policy.retirement(), longest(signing), policy, problems);
        check("secretKeyRetirement", policy.secretKeyRetirement(), longest(secret), policy, problems);
        return problems;
    }

    private static void check(
            String field, long configured, Lifetime longest, RotationPolicy policy, List<String> problems) {
        long needed = longest.seconds() + policy.clockSkew();
        if (configured < needed) {
            problems.add(field + " " + Durations.format(configured)
                    + " is shorter than the longest lifetime it must outlive: "
                    + longest.setting() + " " + Durations.format(longest.seconds()) + " plus clockSkew "
                    + Durations.format(policy.clockSkew()) + " = " + Durations.format(needed));
        }
    }

    private static Lifetime longest(List<Lifetime> lifetimes) {
        return lifetimes.stream()
                .max(Comparator.comparingLong(Lifetime::seconds))
                .orElse(new Lifetime("none", 0));
    }
}
