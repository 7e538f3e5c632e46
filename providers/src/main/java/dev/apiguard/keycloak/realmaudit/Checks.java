package dev.apiguard.keycloak.realmaudit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The catalogue: every check of the realm audit, in report order, with unique ids.
 */
public final class Checks {

    /** Emitted by {@link Suppressions} for a suppression past its expiry date; no rule of its own. */
    public static final String SUPPRESSION_EXPIRED = "audit.suppression-expired";

    private static final List<Check> ALL = build();
    private static final Map<String, Check> BY_ID = index(ALL);

    private Checks() {}

    /** Every check, clients first, then realm, keys, flows, identity providers, federation, roles, secrets, audit. */
    public static List<Check> all() {
        return ALL;
    }

    /** The check with this id, or {@code null}. */
    public static Check byId(String id) {
        return BY_ID.get(id);
    }

    private static List<Check> build() {
        List<Check> checks = new ArrayList<>();
        checks.addAll(ClientChecks.all());
        checks.addAll(RealmChecks.all());
        checks.addAll(KeyChecks.all());
        checks.addAll(FlowChecks.all());
        checks.addAll(IdentityProviderChecks.all());
        checks.addAll(FederationChecks.all());
        checks.addAll(RoleChecks.all());
        checks.addAll(SecretChecks.all());
        checks.add(new Check(
                SUPPRESSION_EXPIRED,
                Severity.MEDIUM,
                "audit",
                "Suppression past its expiry date",
                "An accepted risk was accepted until a date that has passed: the finding counts again until someone reviews it.",
                "API Guard realm audit (suppressions file)",
                "Review the finding; fix it, or renew the suppression with a new expiry date and justification.",
                (realm, out) -> {
                    // Reported by Suppressions, which knows the suppression file.
                }));
        Set<String> ids = new HashSet<>();
        for (Check check : checks) {
            if (!ids.add(check.id())) {
                throw new IllegalStateException("duplicate check id " + check.id());
            }
        }
        return List.copyOf(checks);
    }

    private static Map<String, Check> index(List<Check> checks) {
        Map<String, Check> map = new LinkedHashMap<>();
        checks.forEach(check -> map.put(check.id(), check));
        return Map.copyOf(map);
    }
}
