package dev.apiguard.keycloak.realmaudit;

import java.util.List;
import java.util.Objects;

/**
 * One audited input, ready to print: where it came from (a file, or a server and realm), the
 * report, the findings that count after suppression, the accepted ones, and, for a file, the
 * locator that turns JSON paths into lines.
 *
 * @param source       the file as given on the command line, or the endpoint URL
 * @param file         whether {@code source} is a file (SARIF then gives physical locations)
 * @param report       the audit
 * @param outcome      findings after suppression
 * @param locator      line lookup for a file, {@code null} for a live audit
 */
record AuditedSource(
        String source, boolean file, AuditReport report, Suppressions.Outcome outcome, JsonLocator locator) {

    AuditedSource {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** The active findings at or above {@code min}, worst first (catalogue order within a severity). */
    List<Finding> shown(Severity min) {
        return outcome.active().stream()
                .filter(f -> f.severity().atLeast(min))
                .sorted(java.util.Comparator.comparing(Finding::severity))
                .toList();
    }

    /** The line of a finding's path, or 0 when unknown. */
    int line(Finding finding) {
        return locator == null || finding.check().equals(Checks.SUPPRESSION_EXPIRED)
                ? 0
                : locator.locate(finding.path()).line();
    }
}
