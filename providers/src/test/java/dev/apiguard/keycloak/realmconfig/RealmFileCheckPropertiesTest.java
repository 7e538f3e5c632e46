package dev.apiguard.keycloak.realmconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.common.JsonFuzz;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the realm-file check over hostile files (random text, random JSON trees with
 * realm field names, deep nesting, the shipped demo realm damaged at random): it always returns a
 * result, never throws, and a file it cannot read is never reported as fine.
 */
class RealmFileCheckPropertiesTest {

    private static final String SHIPPED = read(Path.of(System.getProperty("apiguard.repo.root"), "realm-config",
            "apiguard-demo.json"));

    private final RealmFileCheck check = new RealmFileCheck(name -> "set");

    @Property(tries = 150)
    void checkWhenGivenAnyFileThenAResultAndNothingThrown(@ForAll("files") String content) {
        RealmFileCheck.Result result = check.check(content);

        assertThat(result).isNotNull();
        if (result.realm() == null) {
            assertThat(result.ok()).as("a file that names no realm is never fine").isFalse();
        }
    }

    @Provide
    Arbitrary<String> files() {
        return Arbitraries.oneOf(JsonFuzz.anyText(),
                JsonFuzz.object("realm", "clients", "users", "attributes", "roles", "clientScopes", "clientProfiles"),
                JsonFuzz.deepNesting(), JsonFuzz.damaged(SHIPPED));
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
