package dev.apiguard.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keycloak internals (anything of Keycloak outside its public API, see {@link KeycloakInternalsRule})
 * are used only in the adapter package {@code dev.apiguard.keycloak.kc}; the fixture proves the
 * rule catches a planted internal import, a fully qualified internal name and a wildcard.
 */
class KeycloakInternalsTest {

    @Test
    void mainSourcesWhenScannedThenOnlyTheAdapterPackageUsesKeycloakInternals() {
        assertThat(KeycloakInternalsRule.violations(Path.of("src/main/java"))).isEmpty();
    }

    @Test
    void fixtureWhenItPlantsInternalsOutsideTheAdapterThenEachIsReported() throws URISyntaxException {
        Path fixture = Path.of(getClass().getResource("/internals-fixture").toURI());

        assertThat(KeycloakInternalsRule.violations(fixture))
                .containsExactly(
                        "dev/apiguard/keycloak/planted/Planted.java: org.keycloak.services.managers.AuthenticationManager",
                        "dev/apiguard/keycloak/planted/Planted.java: org.keycloak.services.resources.admin.AdminEventBuilder",
                        "dev/apiguard/keycloak/planted/Planted.java: org.keycloak.services.util.*",
                        "dev/apiguard/keycloak/planted/Planted.java: org.keycloak.utils.MediaType");
    }

    @Test
    void allowedWhenPublicSpiOrListedSpiThenTrueAndInternalsFalse() {
        assertThat(KeycloakInternalsRule.artifactOf("org.keycloak.models.KeycloakSession"))
                .isEqualTo("keycloak-server-spi");
        assertThat(KeycloakInternalsRule.allowed("org.keycloak.models.KeycloakSession", ""))
                .isTrue();
        assertThat(KeycloakInternalsRule.allowed("org.keycloak.OAuth2Constants", ""))
                .isTrue();
        assertThat(KeycloakInternalsRule.allowed("org.keycloak.models.Constants", ""))
                .isTrue();
        assertThat(KeycloakInternalsRule.allowed("org.keycloak.protocol.oidc.TokenManager", ""))
                .isFalse();
        assertThat(KeycloakInternalsRule.allowed("org.keycloak.models.utils.KeycloakModelUtils", ""))
                .isFalse();
        assertThat(KeycloakInternalsRule.allowed("org.keycloak.no.Such", "")).isFalse();
    }
}
