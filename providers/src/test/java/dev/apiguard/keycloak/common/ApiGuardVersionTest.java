package dev.apiguard.keycloak.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiGuardVersionTest {

    @Test
    void currentWhenBuiltByMavenThenCarriesTheProjectAndKeycloakVersions() {
        ApiGuardVersion version = ApiGuardVersion.current();

        assertThat(version.version()).isEqualTo(System.getProperty("apiguard.expected.version"));
        assertThat(version.keycloakVersion()).isEqualTo(System.getProperty("apiguard.expected.keycloak.version"));
    }
}
