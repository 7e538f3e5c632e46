package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Docker cannot run on the build machines, so docker-compose.yml is checked as a document: the
 * Keycloak version is the pom's, every host path it mounts exists, secrets come from the
 * environment (.env, git-ignored), HTTP is off and ports bind to loopback.
 */
class DockerComposeTest {

    private static final Path ROOT =
            Path.of(System.getProperty("apiguard.repo.root")).toAbsolutePath().normalize();
    private static final String KEYCLOAK_VERSION = System.getProperty("apiguard.keycloak.version");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|SECRET).*");
    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("^\\$\\{[A-Z_][A-Z0-9_]*:\\?[^}]+}$");

    private static Map<String, Object> compose;

    @BeforeAll
    static void parse() throws IOException {
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"), StandardCharsets.UTF_8)) {
            compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
    }

    @Test
    void everyKeycloakImageWhenReadThenHasThePomsKeycloakVersion() {
        List<String> images = new ArrayList<>();
        services().forEach((name, service) -> {
            String image = (String) map(service).get("image");
            if (image != null && image.startsWith("quay.io/keycloak/keycloak")) {
                images.add(image);
            }
        });

        assertThat(KEYCLOAK_VERSION).isNotBlank();
        assertThat(images)
                .isNotEmpty()
                .allSatisfy(image -> assertThat(image).isEqualTo("quay.io/keycloak/keycloak:" + KEYCLOAK_VERSION));
    }

    @Test
    void keycloakWhenReadThenRunsProductionModeOnPostgresHttpsOnly() {
        Map<String, Object> keycloak = map(services().get("keycloak"));
        Map<String, Object> env = map(keycloak.get("environment"));

        assertThat(list(keycloak.get("command"))).first().isEqualTo("start");
        assertThat(list(keycloak.get("command"))).contains("--import-realm").doesNotContain("start-dev");
        assertThat(env).containsEntry("KC_DB", "postgres").containsEntry("KC_HTTP_ENABLED", "false");
        assertThat((String) env.get("KC_HTTPS_KEY_STORE_FILE")).startsWith("/opt/keycloak/conf/tls/");
        assertThat(list(keycloak.get("volumes")))
                .anySatisfy(volume -> assertThat(volume.toString()).startsWith("tls:/opt/keycloak/conf/tls"));
        assertThat(map(keycloak.get("depends_on"))).containsKeys("postgres", "certificate");
    }

    @Test
    void everyHostPathWhenMountedThenExistsInTheRepositoryOrTheBuildOutput() {
        List<String> hostPaths = new ArrayList<>();
        services().forEach((name, service) -> {
            for (Object volume : list(map(service).getOrDefault("volumes", List.of()))) {
                String source = volume.toString().split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    hostPaths.add(source);
                }
            }
        });

        assertThat(hostPaths).contains("./providers/target/apiguard-keycloak.jar", "./realm-config");
        assertThat(hostPaths)
                .allSatisfy(path -> assertThat(ROOT.resolve(path).normalize())
                        .as("mounted host path %s (build the JAR first: mvn package)", path)
                        .exists());
    }

    @Test
    void everySecretWhenSetThenComesFromARequiredEnvironmentVariable() {
        List<String> checked = new ArrayList<>();
        services()
                .forEach((name, service) -> map(map(service).getOrDefault("environment", Map.of()))
                        .forEach((key, value) -> {
                            if (SECRET_NAME.matcher(key).matches()) {
                                assertThat(String.valueOf(value))
                                        .as("%s of service %s", key, name)
                                        .matches(REQUIRED_VARIABLE);
                                checked.add(key);
                            }
                        }));

        assertThat(checked)
                .contains(
                        "POSTGRES_PASSWORD",
                        "KC_DB_PASSWORD",
                        "KC_BOOTSTRAP_ADMIN_PASSWORD",
                        "KC_HTTPS_KEY_STORE_PASSWORD",
                        "APIGUARD_DEMO_PASSWORD",
                        "APIGUARD_DEMO_SERVICE_SECRET");
    }

    @Test
    void envFileWhenExampleIsReadThenHoldsNoValueForASecretAndTheRealOneIsIgnoredByGit() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve(".env.example"), StandardCharsets.UTF_8);
        for (String line : lines) {
            if (!line.startsWith("#")
                    && line.contains("=")
                    && SECRET_NAME.matcher(line.substring(0, line.indexOf('='))).matches()) {
                assertThat(line).as(".env.example line").endsWith("=");
            }
        }

        assertThat(Files.readAllLines(ROOT.resolve(".gitignore"), StandardCharsets.UTF_8))
                .contains(".env");
    }

    @Test
    void everyPublishedPortWhenReadThenBindsToLoopbackOnly() {
        services().forEach((name, service) -> {
            for (Object port : list(map(service).getOrDefault("ports", List.of()))) {
                assertThat(port.toString()).as("port of %s", name).startsWith("127.0.0.1:");
            }
        });
    }

    private static Map<String, Object> services() {
        return map(compose.get("services"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return new ArrayList<>((List<?>) value);
    }
}
