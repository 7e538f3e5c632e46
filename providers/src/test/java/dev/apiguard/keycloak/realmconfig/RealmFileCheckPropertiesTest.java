package dev.apiguard.keycloak.realmconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.common.JsonFuzz;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of the realm-file check over hostile files (random text, random JSON trees with
 * realm field names, deep nesting, the shipped demo realm damaged at random): it always returns a
 * result, never throws, and a file it cannot read is never reported as fine.
 */
class RealmFileCheckPropertiesTest {

    private static final String SHIPPED =
            read(Path.of(System.getProperty("apiguard.repo.root"), "realm-config", "apiguard-demo.json"));

    /** Fewer than {@link JsonFuzz#SAMPLES}: each sample runs every check of the realm file. */
    private static final int FILE_SAMPLES = 150;

    private final RealmFileCheck check = new RealmFileCheck(name -> "set");

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void checkWhenGivenAnyFileThenAResultAndNothingThrown(String content) {
        RealmFileCheck.Result result = check.check(content);

        assertThat(result).isNotNull();
        if (result.realm() == null) {
            assertThat(result.ok())
                    .as("a file that names no realm is never fine")
                    .isFalse();
        }
    }

    static Stream<Arguments> files() {
        return JsonFuzz.samples(
                FILE_SAMPLES,
                random -> JsonFuzz.oneOf(
                        random,
                        JsonFuzz::anyText,
                        r -> JsonFuzz.object(
                                r,
                                "realm",
                                "clients",
                                "users",
                                "attributes",
                                "roles",
                                "clientScopes",
                                "clientProfiles"),
                        JsonFuzz::deepNesting,
                        r -> JsonFuzz.damaged(r, SHIPPED)),
                JsonFuzz.edgeCases(JsonFuzz.edge("the shipped demo realm", SHIPPED)));
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
