package dev.apiguard.keycloak.realmaudit;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One check of the realm audit: its stable id, severity, title, rationale with the source it
 * rests on, the Keycloak setting that fixes it, and the rule, a pure function over one realm.
 *
 * @param id          stable id, {@code <area>.<name>} in lower case; never changes once shipped
 *                    (suppression files and code-scanning history refer to it)
 * @param severity    how bad a finding is
 * @param area        what the check looks at: clients, realm, keys, flows, identity-providers,
 *                    federation, roles, secrets, audit
 * @param title       one line: what is wrong
 * @param rationale   why it matters
 * @param source      the document and section it rests on (RFC 9700 2.1, FAPI 2.0 5.4, ...)
 * @param remediation the Keycloak setting that fixes it (admin console path or representation field)
 * @param rule        finds the problem in one realm
 */
public record Check(
        String id,
        Severity severity,
        String area,
        String title,
        String rationale,
        String source,
        String remediation,
        Rule rule) {

    private static final Pattern ID = Pattern.compile("[a-z]+(-[a-z]+)*\\.[a-z0-9]+(-[a-z0-9]+)*");

    public Check {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("check id '" + id + "' is not <area>.<name> in lower-case kebab case");
        }
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(area, "area");
        requireText(title, "title", id);
        requireText(rationale, "rationale", id);
        requireText(source, "source", id);
        requireText(remediation, "remediation", id);
        Objects.requireNonNull(rule, "rule");
    }

    private static void requireText(String value, String name, String id) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("check '" + id + "' has no " + name);
        }
    }

    /** Finds the problem in one realm and reports each occurrence to {@code out}. */
    @FunctionalInterface
    public interface Rule {
        void evaluate(AuditedRealm realm, Reporter out);
    }

    /** Receives the occurrences one check finds. */
    @FunctionalInterface
    public interface Reporter {
        /**
         * @param target  what the finding is about ({@code client:<clientId>}, {@code realm}, ...)
         * @param path    JSON path of the offending element
         * @param message what was found, naming the value (never a secret)
         */
        void report(String target, String path, String message);
    }
}
