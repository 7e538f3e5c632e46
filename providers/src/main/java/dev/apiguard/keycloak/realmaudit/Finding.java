package dev.apiguard.keycloak.realmaudit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * One finding of one check in one realm.
 *
 * @param check    the check's stable id, e.g. {@code client.redirect-uri-wildcard}
 * @param severity the check's severity
 * @param realm    the realm's name
 * @param target   what the finding is about: {@code realm}, {@code client:<clientId>},
 *                 {@code identity-provider:<alias>}, {@code component:<name>}, {@code flow:<alias>},
 *                 {@code role:<name>}, {@code group:<path>}, {@code user:<username>}, {@code smtp}
 * @param path     JSON path of the offending element in the realm representation (export format),
 *                 or of its nearest parent when the element is missing
 * @param message  what was found, naming the value (never a secret's value)
 */
public record Finding(
        @JsonProperty("check") String check,
        @JsonProperty("severity") Severity severity,
        @JsonProperty("realm") String realm,
        @JsonProperty("target") String target,
        @JsonProperty("path") String path,
        @JsonProperty("message") String message) {

    @JsonCreator
    public Finding {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** The client id when the target is a client, else {@code null}. */
    @JsonIgnore
    public String clientId() {
        return target.startsWith("client:") ? target.substring("client:".length()) : null;
    }
}
