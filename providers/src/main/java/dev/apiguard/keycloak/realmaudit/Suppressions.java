package dev.apiguard.keycloak.realmaudit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Accepted findings, read from a suppressions file:
 * <pre>{@code
 * {"suppressions": [
 *   {"check": "client.full-scope-allowed", "realm": "apiguard-demo", "target": "client:demo-spa",
 *    "justification": "why the risk is accepted", "expires": "2027-03-31"}
 * ]}
 * }</pre>
 * {@code check}, {@code target} ({@code *} for every target), {@code justification} and
 * {@code expires} (ISO date, last day the suppression holds) are required; {@code realm} is
 * optional (every realm when absent). A suppression past its date suppresses nothing and is
 * itself a finding ({@value Checks#SUPPRESSION_EXPIRED}) in each realm it names.
 */
public final class Suppressions {

    private static final Set<String> FIELDS = Set.of("check", "realm", "target", "justification", "expires");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One entry of the file. */
    public record Suppression(
            int index, String check, String realm, String target, String justification, LocalDate expires) {

        boolean matches(Finding finding) {
            return check.equals(finding.check())
                    && (realm == null || realm.equals(finding.realm()))
                    && ("*".equals(target) || target.equals(finding.target()));
        }

        boolean expiredOn(LocalDate today) {
            return today.isAfter(expires);
        }
    }

    /** A finding and the suppression that accepted it. */
    public record Suppressed(Finding finding, Suppression suppression) {}

    /** A realm's findings after suppression: the ones that count, and the accepted ones. */
    public record Outcome(List<Finding> active, List<Suppressed> suppressed) {

        public Outcome {
            active = List.copyOf(active);
            suppressed = List.copyOf(suppressed);
        }
    }

    public static final Suppressions NONE = new Suppressions(List.of());

    private final List<Suppression> entries;

    private Suppressions(List<Suppression> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Suppression> entries() {
        return entries;
    }

    /**
     * Reads a suppressions file.
     *
     * @throws IllegalArgumentException naming every problem (entry, field, value)
     */
    public static Suppressions parse(String content) {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject() || !root.path("suppressions").isArray()) {
            throw new IllegalArgumentException("expected an object with an array 'suppressions'");
        }
        List<String> problems = new ArrayList<>();
        List<Suppression> entries = new ArrayList<>();
        JsonNode list = root.get("suppressions");
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            String where = "suppressions[" + i + "]";
            if (!entry.isObject()) {
                problems.add(where + ": must be an object");
                continue;
            }
            for (Iterator<String> names = entry.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!FIELDS.contains(name)) {
                    problems.add(where + ": unknown field '" + name
                            + "' (known: check, expires, justification, realm, target)");
                }
            }
            String check = text(entry, "check", where, true, problems);
            if (check != null && Checks.byId(check) == null) {
                problems.add(where + ".check: '" + check
                        + "' is not a check id (./apiguard audit --list-checks lists them)");
            }
            String realm = text(entry, "realm", where, false, problems);
            String target = text(entry, "target", where, true, problems);
            String justification = text(entry, "justification", where, true, problems);
            String expires = text(entry, "expires", where, true, problems);
            LocalDate date = null;
            if (expires != null) {
                try {
                    date = LocalDate.parse(expires);
                } catch (DateTimeParseException e) {
                    problems.add(where + ".expires: '" + expires + "' is not a date (YYYY-MM-DD)");
                }
            }
            if (check != null && target != null && justification != null && date != null) {
                entries.add(new Suppression(i, check, realm, target, justification, date));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new Suppressions(entries);
    }

    private static String text(JsonNode entry, String field, String where, boolean required, List<String> problems) {
        JsonNode node = entry.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                problems.add(where + "." + field + " is required");
            }
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            problems.add(where + "." + field + " must be a non-empty string");
            return null;
        }
        return node.asText().trim();
    }

    /** Applies the suppressions to one realm's findings on {@code today}. */
    public Outcome apply(AuditReport report, LocalDate today) {
        Objects.requireNonNull(today, "today");
        List<Finding> active = new ArrayList<>();
        List<Suppressed> suppressed = new ArrayList<>();
        Check expiredCheck = Checks.byId(Checks.SUPPRESSION_EXPIRED);
        for (Finding finding : report.findings()) {
            Suppression match = entries.stream()
                    .filter(s -> !s.expiredOn(today) && s.matches(finding))
                    .findFirst()
                    .orElse(null);
            if (match == null) {
                active.add(finding);
            } else {
                suppressed.add(new Suppressed(finding, match));
            }
        }
        for (Suppression entry : entries) {
            if (entry.expiredOn(today)
                    && (entry.realm() == null || entry.realm().equals(report.realm()))) {
                active.add(new Finding(
                        expiredCheck.id(),
                        expiredCheck.severity(),
                        report.realm(),
                        entry.target(),
                        "$.suppressions[" + entry.index() + "]",
                        "suppression of " + entry.check() + " for " + entry.target() + " expired on "
                                + entry.expires()));
            }
        }
        return new Outcome(active, suppressed);
    }
}
