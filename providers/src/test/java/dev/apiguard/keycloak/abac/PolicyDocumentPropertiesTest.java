package dev.apiguard.keycloak.abac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

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
 * Properties of the scope-policy document parser and compiler over hostile input (random text,
 * random JSON trees with the document's field names, deep nesting, huge numbers, the shipped
 * document damaged at random): the only failure is a {@link PolicyDocumentException} whose errors
 * are non-empty, and compiling never throws.
 */
class PolicyDocumentPropertiesTest {

    private static final String SHIPPED = read(Path.of(System.getProperty("apiguard.repo.root"), "realm-config", "abac",
            "apiguard-demo-policies.json"));

    private static final String[] FIELDS = {"apiVersion", "protectedScopes", "policies", "name", "description", "scopes",
            "clients", "effect", "condition", "onDeny"};

    @Property
    void parseWhenGivenAnyTextThenADocumentOrErrorsAndNothingElse(@ForAll("documents") String text) {
        Throwable thrown = catchThrowable(() -> PolicyDocumentParser.parse(text));

        assertThat(thrown).satisfiesAnyOf(
                t -> assertThat(t).isNull(),
                t -> assertThat(t).isInstanceOfSatisfying(PolicyDocumentException.class, e -> assertThat(e.errors()).isNotEmpty()));
    }

    @Property
    void compileWhenGivenAnyTextThenCompiledOrBrokenWithErrorsAndNothingThrown(@ForAll("documents") String text) {
        PolicyStore.State state = PolicyStore.compile(text);

        assertThat(state.policies() != null || !state.errors().isEmpty()).isTrue();
    }

    @Property(tries = 100)
    void compileWhenAConditionIsAnyTextThenCompiledOrErrorsAndNothingThrown(@ForAll("conditions") String condition) {
        String document = "{\"apiVersion\": \"apiguard/v1\", \"protectedScopes\": [\"s\"], \"policies\": [{\"name\": \"p\", "
                + "\"scopes\": [\"s\"], \"effect\": \"permit\", \"condition\": " + JsonFuzz.quote(condition) + "}]}";

        PolicyStore.State state = PolicyStore.compile(document);

        assertThat(state.policies() != null || !state.errors().isEmpty()).isTrue();
    }

    @Provide
    Arbitrary<String> documents() {
        return Arbitraries.oneOf(JsonFuzz.anyText(), JsonFuzz.object(FIELDS), JsonFuzz.deepNesting(), JsonFuzz.damaged(SHIPPED));
    }

    @Provide
    Arbitrary<String> conditions() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(200),
                Arbitraries.strings().withChars("user.attributes[]'\"()&|!=<>+-*/%.,:?0123456789 realmRoles in size has").ofMinLength(1)
                        .ofMaxLength(200),
                Arbitraries.integers().between(1, 3_000).map(depth -> "(".repeat(depth) + "true" + ")".repeat(depth)));
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
