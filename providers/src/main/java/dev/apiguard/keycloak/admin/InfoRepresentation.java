package dev.apiguard.keycloak.admin;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code GET /admin/realms/{realm}/apiguard/v1/info}. */
public record InfoRepresentation(
        @JsonProperty("realm") String realm,
        @JsonProperty("version") String version,
        @JsonProperty("keycloakVersion") String keycloakVersion,
        @JsonProperty("clientPolicyEvaluation") String clientPolicyEvaluation) {}
