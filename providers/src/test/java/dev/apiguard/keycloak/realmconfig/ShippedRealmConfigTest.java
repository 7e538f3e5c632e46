package dev.apiguard.keycloak.realmconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every file of realm-config/ passes the check that ./apiguard runs before Keycloak starts. */
class ShippedRealmConfigTest {

    private static final Path REALM_CONFIG = Path.of(System.getProperty("apiguard.repo.root"), "realm-config");

    /** The variables the shipped files may use: the README's configuration table lists them. */
    private static final Set<String> DOCUMENTED_VARIABLES =
            Set.of("APIGUARD_DEMO_PASSWORD", "APIGUARD_DEMO_SERVICE_SECRET");

    @Test
    void everyShippedRealmFileWhenCheckedThenHasNoProblem() throws IOException {
        RealmFileCheck check = new RealmFileCheck(name -> DOCUMENTED_VARIABLES.contains(name) ? "set" : null);

        List<Path> files = realmFiles();
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            RealmFileCheck.Result result = check.check(Files.readString(file, StandardCharsets.UTF_8));
            assertThat(result.problems())
                    .as("problems of %s", file.getFileName())
                    .isEmpty();
        }
    }

    @Test
    void demoRealmWhenCheckedThenIsNamedApiguardDemo() throws IOException {
        RealmFileCheck check = new RealmFileCheck(name -> "set");

        String realm = check.check(Files.readString(REALM_CONFIG.resolve("apiguard-demo.json"), StandardCharsets.UTF_8))
                .realm();

        assertThat(realm).isEqualTo("apiguard-demo");
    }

    private static List<Path> realmFiles() throws IOException {
        try (Stream<Path> files = Files.list(REALM_CONFIG)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        }
    }
}
