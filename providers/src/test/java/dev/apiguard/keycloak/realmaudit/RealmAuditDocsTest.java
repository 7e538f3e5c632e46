package dev.apiguard.keycloak.realmaudit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/realm-audit.md lists every check of the catalogue with its severity. */
class RealmAuditDocsTest {

    @Test
    void docsListEveryCheckWithItsSeverity() throws IOException {
        String docs = Files.readString(
                Path.of(System.getProperty("apiguard.repo.root", "..")).resolve("docs/realm-audit.md"),
                StandardCharsets.UTF_8);
        assertThat(Checks.all())
                .allSatisfy(check -> assertThat(docs)
                        .as(check.id())
                        .contains("| `" + check.id() + "` | " + check.severity().label() + " |"));
        assertThat(docs).contains(Checks.all().size() + " checks");
    }
}
