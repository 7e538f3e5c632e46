package dev.apiguard.keycloak.realmaudit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * The audit of one realm: body of {@code GET /admin/realms/{realm}/apiguard/v1/realm-audit} and
 * one entry of the command line's JSON output.
 *
 * @param realm    the realm's name
 * @param checks   how many checks ran
 * @param findings every finding, in catalogue order, then by path
 */
public record AuditReport(
        @JsonProperty("realm") String realm,
        @JsonProperty("checks") int checks,
        @JsonProperty("findings") List<Finding> findings) {

    @JsonCreator
    public AuditReport {
        Objects.requireNonNull(realm, "realm");
        findings = List.copyOf(findings == null ? List.of() : findings);
    }
}
