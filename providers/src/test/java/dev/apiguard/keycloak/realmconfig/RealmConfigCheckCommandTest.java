package dev.apiguard.keycloak.realmconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealmConfigCheckCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private final RealmFileCheck check = new RealmFileCheck(Map.<String, String>of()::get);

    @Test
    void runWhenAllFilesAreFineThenExitsZeroAndPrintsTheRealmNames() throws IOException {
        Path first = write("first.json", "{ \"realm\": \"a\" }");
        Path second = write("second.json", "{ \"realm\": \"b\" }");

        assertThat(run(first.toString(), second.toString())).isZero();
        assertThat(errText()).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("a" + System.lineSeparator() + "b" + System.lineSeparator());
    }

    @Test
    void runWhenOneFileIsBrokenThenExitsOneAndNamesTheFile() throws IOException {
        Path good = write("good.json", "{ \"realm\": \"a\" }");
        Path broken = write("broken.json", "{ \"realm\": ");

        assertThat(run(good.toString(), broken.toString())).isEqualTo(1);
        assertThat(errText()).startsWith(broken + ": line 1, column ").doesNotContain("good.json");
        assertThat(out.toString(StandardCharsets.UTF_8))
                .as("no realm is announced when any file fails")
                .isEmpty();
    }

    @Test
    void runWhenTwoFilesDefineTheSameRealmThenExitsOne() throws IOException {
        Path first = write("one.json", "{ \"realm\": \"same\" }");
        Path second = write("two.json", "{ \"realm\": \"same\" }");

        assertThat(run(first.toString(), second.toString())).isEqualTo(1);
        assertThat(errText()).isEqualTo(second + ": realm 'same' is also defined by " + first + System.lineSeparator());
    }

    @Test
    void runWhenFileIsMissingThenExitsOneAndNamesIt() {
        Path missing = dir.resolve("missing.json");

        assertThat(run(missing.toString())).isEqualTo(1);
        assertThat(errText()).startsWith(missing + ": cannot be read");
    }

    @Test
    void runWhenNoFileIsGivenThenUsageErrorTwo() {
        assertThat(run()).isEqualTo(2);
        assertThat(errText()).startsWith("usage:");
    }

    private int run(String... args) {
        return RealmConfigCheckCommand.run(
                args,
                check,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }
}
