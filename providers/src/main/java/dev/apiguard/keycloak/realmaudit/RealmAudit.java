package dev.apiguard.keycloak.realmaudit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * Runs every check of {@link Checks} over one realm representation in the export format. Pure:
 * the same representation and clock give the same report, offline (a realm file or export) and
 * live (the admin endpoint converts the realm model with Keycloak's own export code first).
 */
public final class RealmAudit {

    private final Clock clock;
    private final List<Check> checks;

    public RealmAudit(Clock clock) {
        this(clock, Checks.all());
    }

    RealmAudit(Clock clock, List<Check> checks) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.checks = List.copyOf(checks);
    }

    public AuditReport audit(RealmRepresentation rep) {
        Objects.requireNonNull(rep, "rep");
        AuditedRealm realm = new AuditedRealm(rep, clock.instant());
        List<Finding> findings = new ArrayList<>();
        for (Check check : checks) {
            check.rule()
                    .evaluate(
                            realm,
                            (target, path, message) -> findings.add(
                                    new Finding(check.id(), check.severity(), realm.name(), target, path, message)));
        }
        return new AuditReport(realm.name(), checks.size(), findings);
    }
}
