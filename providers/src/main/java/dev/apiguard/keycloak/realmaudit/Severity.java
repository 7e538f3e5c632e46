package dev.apiguard.keycloak.realmaudit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How bad a finding is. {@link #CRITICAL}: an attacker gains tokens or accounts with no further
 * precondition; {@link #HIGH}: a practice the standards forbid (MUST NOT); {@link #MEDIUM}: a
 * practice they advise against (SHOULD); {@link #LOW}: hardening; {@link #INFO}: worth knowing.
 */
public enum Severity {
    CRITICAL("error", "9.5"),
    HIGH("error", "8.0"),
    MEDIUM("warning", "5.5"),
    LOW("note", "3.0"),
    INFO("note", "0.5");

    private final String sarifLevel;
    private final String securitySeverity;

    Severity(String sarifLevel, String securitySeverity) {
        this.sarifLevel = sarifLevel;
        this.securitySeverity = securitySeverity;
    }

    /** The lower-case name used on the command line, in JSON and in SARIF properties. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** SARIF {@code level}: error, warning or note. */
    public String sarifLevel() {
        return sarifLevel;
    }

    /** GitHub code scanning's {@code security-severity} score (0.0 to 10.0). */
    public String securitySeverity() {
        return securitySeverity;
    }

    /** True when this severity is the same as or worse than {@code other}. */
    public boolean atLeast(Severity other) {
        return ordinal() <= other.ordinal();
    }

    /**
     * Reads {@code critical}, {@code high}, {@code medium}, {@code low} or {@code info} (any case).
     *
     * @throws IllegalArgumentException naming the value and the allowed ones
     */
    @JsonCreator
    public static Severity parse(String value) {
        for (Severity severity : values()) {
            if (severity.label().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return severity;
            }
        }
        throw new IllegalArgumentException("severity '" + value + "' is not one of "
                + Arrays.stream(values()).map(Severity::label).collect(Collectors.joining(", ")));
    }
}
