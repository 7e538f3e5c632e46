package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The smoke subset on every other Keycloak 26 distribution the build fetches (the full suite runs
 * on the pinned {@code keycloak.version}): for each version in {@code apiguard.it.smoke.versions}
 * (integration-tests/pom.xml; {@code -Dapiguard.smoke.skip=true} skips them), {@code ./apiguard dev} deploys the JAR and imports the demo realm
 * into that version's distribution, then one flow per capability runs, the same test methods that
 * the full suite runs on the pinned version. One server per version, stopped before the next.
 */
@ParameterizedClass(name = "Keycloak {0}", allowZeroInvocations = true)
@MethodSource("versions")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CompatibilitySmokeIT {

    @Parameter
    String version;

    private static ApiGuardServer server;

    static List<String> versions() {
        if (Boolean.getBoolean("apiguard.it.smoke.skip")) {
            return List.of();
        }
        String versions = System.getProperty("apiguard.it.smoke.versions", "");
        return Arrays.stream(versions.split(","))
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .toList();
    }

    @BeforeParameterizedClassInvocation
    static void deployIntoThisVersion(String version) {
        Path home =
                Path.of(System.getProperty("apiguard.it.keycloak.smoke.dir")).resolve("keycloak-" + version);
        assertThat(home.resolve("bin/kc.sh"))
                .as("Keycloak %s unpacked by the build", version)
                .satisfies(Files::isExecutable);
        // Key rotation passes every second, as on the suite's server: the report test reads adopted keys.
        server = ApiGuardServer.settings("smoke-" + version)
                .freshData()
                .keycloakHome(home)
                .env("KC_SPI_APIGUARD_KEY_ROTATION__DEFAULT__INTERVAL", "1")
                .start();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    @Order(1)
    void deployWhenTheJarIsInstalledThenKeycloakRunsItAndNamesItsOwnVersion() {
        JsonPath info = new dev.apiguard.keycloak.it.support.Oidc(server)
                .asAdmin()
                .get(server.baseUrl() + "/admin/serverinfo")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(info.getString("systemInfo.version")).isEqualTo(version);
        new ProviderDeploymentIT().serverInfoWhenJarIsDeployedThenListsTheApiGuardProviderWithItsVersion(server);
    }

    @Test
    @Order(2)
    void demoRealmWhenImportedThenItsHardenedSettingsAreInPlace() {
        new DemoRealmIT().realmWhenImportedThenHardenedRealmSettingsAreInPlace(server);
    }

    @Test
    @Order(3)
    void discoveryWhenTheBaselineIsActiveThenS256Only() {
        new BaselineProfileIT().discoveryWhenBaselineIsActiveThenAdvertisesS256Only(server);
    }

    @Test
    @Order(4)
    void pkceCodeFlowWhenAliceLogsInThenTokens() throws Exception {
        new TokenIssuanceIT().authorizationCodeWhenAliceLogsInWithPkceThenTokenForOrdersRead(server);
    }

    @Test
    @Order(5)
    void clientCredentialsWhenSecretIsRightThenAnRfc9068TokenVerifiesAgainstTheJwks() throws Exception {
        new TokenIssuanceIT().clientCredentialsWhenSecretIsRightThenTokenVerifiesAgainstLiveJwks(server);
    }

    @Test
    @Order(6)
    void clientCredentialsWhenAbacDeniesAScopeThenTheTokenHasItNot() throws Exception {
        new AbacIT().clientCredentialsWhenTheServiceAccountHasTheRoleThenPermittedAndWithoutItDenied(server);
    }

    @Test
    @Order(7)
    void stepUpWhenAServiceAccountAsksForTheAdminScopeThenRefused() throws Exception {
        new StepUpIT().clientCredentialsWhenAServiceAccountAsksForTheAdminScopeThenTheTokenHasNone(server);
    }

    @Test
    @Order(8)
    void keyRotationReportWhenReadThenEveryFamilyHasOneSigningKey() {
        new KeyRotationIT().reportWhenDemoRealmThenListsEveryRotatedFamilyWithOneSigningKeyAndNoKeyMaterial(server);
    }
}
