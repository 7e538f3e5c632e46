package dev.apiguard.keycloak.abac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.apiguard.keycloak.common.JsonFuzz;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of the scope-policy document parser and compiler over hostile input (random text,
 * random JSON trees with the document's field names, deep nesting, huge numbers, the shipped
 * document damaged at random): the only failure is a {@link PolicyDocumentException} whose errors
 * are non-empty, and compiling never throws.
 */
class PolicyDocumentPropertiesTest {

    private static final String SHIPPED = read(
            Path.of(System.getProperty("apiguard.repo.root"), "realm-config", "abac", "apiguard-demo-policies.json"));

    private static final String[] FIELDS = {
        "apiVersion",
        "protectedScopes",
        "policies",
        "name",
        "description",
        "scopes",
        "clients",
        "effect",
        "condition",
        "onDeny"
    };

    /** Fewer than {@link JsonFuzz#SAMPLES}: each compiles a CEL expression, some 3,000 parentheses deep. */
    private static final int CONDITION_SAMPLES = 100;

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void parseWhenGivenAnyTextThenADocumentOrErrorsAndNothingElse(String text) {
        Throwable thrown = catchThrowable(() -> PolicyDocumentParser.parse(text));

        assertThat(thrown)
                .satisfiesAnyOf(
                        t -> assertThat(t).isNull(),
                        t -> assertThat(t)
                                .isInstanceOfSatisfying(
                                        PolicyDocumentException.class,
                                        e -> assertThat(e.errors()).isNotEmpty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void compileWhenGivenAnyTextThenCompiledOrBrokenWithErrorsAndNothingThrown(String text) {
        PolicyStore.State state = PolicyStore.compile(text);

        assertThat(state.policies() != null || !state.errors().isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conditions")
    void compileWhenAConditionIsAnyTextThenCompiledOrErrorsAndNothingThrown(String condition) {
        String document = OnePolicyDocument.of(condition, false);

        PolicyStore.State state = PolicyStore.compile(document);

        assertThat(state.policies() != null || !state.errors().isEmpty()).isTrue();
    }

    static Stream<Arguments> documents() {
        return JsonFuzz.samples(
                JsonFuzz.SAMPLES,
                random -> JsonFuzz.oneOf(
                        random,
                        JsonFuzz::anyText,
                        r -> JsonFuzz.object(r, FIELDS),
                        JsonFuzz::deepNesting,
                        r -> JsonFuzz.damaged(r, SHIPPED)),
                JsonFuzz.edgeCases(JsonFuzz.edge("the shipped document", SHIPPED)));
    }

    static Stream<Arguments> conditions() {
        return JsonFuzz.samples(
                CONDITION_SAMPLES,
                random -> JsonFuzz.oneOf(
                        random,
                        r -> JsonFuzz.anyChars(r, 1, 200),
                        r -> JsonFuzz.chars(
                                r, "user.attributes[]'\"()&|!=<>+-*/%.,:?0123456789 realmRoles in size has", 1, 200),
                        r -> {
                            int depth = r.nextInt(1, 3_001);
                            return "(".repeat(depth) + "true" + ")".repeat(depth);
                        }),
                List.of(
                        JsonFuzz.edge("true", "true"),
                        JsonFuzz.edge("one space", " "),
                        JsonFuzz.edge("NUL", "\u0000"),
                        JsonFuzz.edge("lone high surrogate", "\uD800"),
                        JsonFuzz.edge("an unclosed parenthesis", "(true")));
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
