package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On a Keycloak 26 distribution API Guard does not support (each version in
 * {@code apiguard.it.refused.versions}, integration-tests/pom.xml), Keycloak's start with the JAR
 * fails at once with a message that names the version and the supported ones, instead of failing
 * requests later (26.4.7 and 26.5.6 lack client-policy methods the executors call).
 */
class UnsupportedKeycloakIT {

    private static final String VERSION = System.getProperty("apiguard.expected.version");

    static List<String> versions() {
        if (Boolean.getBoolean("apiguard.it.smoke.skip")) {
            return List.of();
        }
        String versions = System.getProperty("apiguard.it.refused.versions", "");
        return Arrays.stream(versions.split(","))
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .toList();
    }

    @ParameterizedTest(name = "Keycloak {0}", allowZeroInvocations = true)
    @MethodSource("versions")
    void startWhenTheKeycloakVersionIsUnsupportedThenKeycloakStopsNamingTheSupportedVersions(String version) {
        Path home =
                Path.of(System.getProperty("apiguard.it.keycloak.smoke.dir")).resolve("keycloak-" + version);
        assertThat(home.resolve("bin/kc.sh"))
                .as("Keycloak %s unpacked by the build", version)
                .satisfies(Files::isExecutable);

        ApiGuardServer.Exit exit = ApiGuardServer.settings("refused-" + version)
                .freshData()
                .keycloakHome(home)
                .runUntilExit(Duration.ofMinutes(5));

        assertThat(exit.status()).as("exit status of ./apiguard dev").isNotZero();
        assertThat(exit.output())
                .contains("API Guard " + VERSION + " cannot run on Keycloak '" + version
                        + "' (it is not supported): it supports " + "Keycloak 26.7.x (tested: 26.7.0, 26.7.3)")
                .contains("Keycloak stopped during start")
                .doesNotContain("API Guard is running");
    }
}
