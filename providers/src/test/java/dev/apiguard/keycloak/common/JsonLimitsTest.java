package dev.apiguard.keycloak.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The explicit limits on JSON bodies: each one refused with a message that names it, nothing else thrown. */
class JsonLimitsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "50,000 nested arrays   | ARRAY",
                "50,000 nested objects  | OBJECT",
            })
    void readWhenNestedDeeperThanTheLimitThenInvalidNamingTheLimits(String label, String kind) {
        int depth = 50_000;
        String json = kind.equals("ARRAY")
                ? "[".repeat(depth) + "]".repeat(depth)
                : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);

        assertThatThrownBy(() -> JsonLimits.read(json, 1_000_000, "the body"))
                .isInstanceOf(JsonLimits.Invalid.class)
                .hasMessage("the body: nested deeper than 32 levels of arrays and objects");
    }

    @Test
    void readWhenANumberHas5000DigitsThenInvalidNamingTheLimits() {
        assertThatThrownBy(() -> JsonLimits.read("{\"retirement\": " + "9".repeat(5_000) + "}", 100_000, "the policy"))
                .isInstanceOf(JsonLimits.Invalid.class)
                .hasMessage("the policy: a number longer than 20 characters");
    }

    @Test
    void readWhenAStringIsLongerThanTheLimitThenInvalid() {
        String json = "{\"a\": \"" + "x".repeat(JsonLimits.MAX_STRING_CHARS + 1) + "\"}";

        assertThatThrownBy(() -> JsonLimits.read(json, 1_000_000, "the body"))
                .isInstanceOf(JsonLimits.Invalid.class)
                .hasMessage("the body: a string longer than 100000 characters");
    }

    @Test
    void readWhenTheTextIsLongerThanTheCallersLimitThenInvalidWithBothNumbers() {
        assertThatThrownBy(() -> JsonLimits.read("{}" + " ".repeat(100), 50, "the policy"))
                .isInstanceOf(JsonLimits.Invalid.class)
                .hasMessage("the policy: 102 characters, at most 50 allowed");
    }

    @Test
    void readWhenAFieldIsGivenTwiceThenInvalid() {
        assertThatThrownBy(() -> JsonLimits.read("{\"a\": 1, \"a\": 2}", 100, "the body"))
                .isInstanceOf(JsonLimits.Invalid.class)
                .hasMessageStartingWith("the body: not valid JSON at line 1");
    }

    @Test
    void readWhenTrailingTextFollowsTheValueThenInvalid() {
        assertThatThrownBy(() -> JsonLimits.read("{} {}", 100, "the body")).isInstanceOf(JsonLimits.Invalid.class);
    }

    @Test
    void readWhenWithinEveryLimitThenTheValue() throws Exception {
        JsonNode node = JsonLimits.read("[".repeat(31) + "12345678901234567890" + "]".repeat(31), 1_000, "the body");

        assertThat(node.isArray()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void readWhenGivenAnyTextThenAValueOrInvalidAndNothingElse(String text) {
        Throwable thrown = catchThrowable(() -> JsonLimits.read(text, 100_000, "the body"));

        assertThat(thrown)
                .satisfiesAnyOf(
                        t -> assertThat(t).isNull(),
                        t -> assertThat(t)
                                .isInstanceOf(JsonLimits.Invalid.class)
                                .hasMessageStartingWith("the body: "));
    }

    static Stream<Arguments> hostile() {
        return JsonFuzz.samples(
                JsonFuzz.SAMPLES,
                random -> JsonFuzz.oneOf(
                        random, JsonFuzz::anyText, r -> JsonFuzz.jsonValue(r, "a", "b"), JsonFuzz::deepNesting),
                JsonFuzz.edgeCases());
    }
}
