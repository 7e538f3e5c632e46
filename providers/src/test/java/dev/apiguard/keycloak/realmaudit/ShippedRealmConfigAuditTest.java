package dev.apiguard.keycloak.realmaudit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * The project's own realm-config is audited with every test run: no finding above low, and each
 * remaining low or info finding is explained in realm-config/README.md (by check id).
 */
class ShippedRealmConfigAuditTest {

    private static final Path ROOT = Path.of(System.getProperty("apiguard.repo.root", ".."));

    @Test
    void shippedRealmsHaveNoFindingAboveLowAndEveryRemainingOneIsExplained() throws IOException {
        String readme = Files.readString(ROOT.resolve("realm-config/README.md"), StandardCharsets.UTF_8);
        List<Path> files;
        try (Stream<Path> list = Files.list(ROOT.resolve("realm-config"))) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            RealmRepresentation rep =
                    Fixtures.JSON.readValue(Files.readString(file, StandardCharsets.UTF_8), RealmRepresentation.class);
            AuditReport report = new RealmAudit(Clock.systemUTC()).audit(rep);
            assertThat(report.findings()).as(file.toString()).allSatisfy(finding -> {
                assertThat(finding.severity().atLeast(Severity.MEDIUM))
                        .as("%s: %s %s", finding.check(), finding.target(), finding.message())
                        .isFalse();
                assertThat(readme)
                        .as("realm-config/README.md explains %s", finding.check())
                        .contains("`" + finding.check() + "`");
            });
        }
    }
}
