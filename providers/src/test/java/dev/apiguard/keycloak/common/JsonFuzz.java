package dev.apiguard.keycloak.common;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of hostile JSON-like text for the parsers' property tests: arbitrary text, JSON
 * values nested up to 60 levels (deeper than {@link JsonLimits#MAX_DEPTH}), numbers of up to
 * 5,000 digits, long strings, duplicate keys, truncations and byte-level damage of valid text.
 */
public final class JsonFuzz {

    private JsonFuzz() {
    }

    /** Any string, including control characters, lone surrogates and JSON punctuation. */
    public static Arbitrary<String> anyText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.strings().withChars("{}[]\":,0123456789.eE+-truefalsn \\u\n\t").ofMaxLength(300));
    }

    /** A JSON value nested at most four levels, with the given field names mixed in. */
    public static Arbitrary<String> jsonValue(String... fieldNames) {
        return value(4, fieldNames);
    }

    /** A JSON object whose fields are drawn from {@code fieldNames} and random names, nested at most four levels. */
    public static Arbitrary<String> object(String... fieldNames) {
        return object(4, fieldNames);
    }

    private static Arbitrary<String> value(int depth, String... fieldNames) {
        if (depth <= 0) {
            return scalar();
        }
        return Arbitraries.oneOf(scalar(), scalar(), object(depth - 1, fieldNames), array(depth - 1, fieldNames));
    }

    private static Arbitrary<String> object(int depth, String... fieldNames) {
        Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.of(fieldNames.length == 0 ? new String[] {"a"} : fieldNames),
                Arbitraries.strings().alpha().ofMaxLength(8));
        Arbitrary<String> member = Combinators.combine(name, value(depth, fieldNames)).as((key, value) -> quote(key) + ":" + value);
        return member.list().ofMaxSize(6).map(members -> "{" + String.join(",", members) + "}");
    }

    private static Arbitrary<String> array(int depth, String... fieldNames) {
        return value(depth, fieldNames).list().ofMaxSize(5).map(values -> "[" + String.join(",", values) + "]");
    }

    /** Strings, numbers (some with thousands of digits), booleans, null. */
    public static Arbitrary<String> scalar() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40).map(JsonFuzz::quote),
                Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(30),
                Arbitraries.integers().between(19, 5_000).map(digits -> "9".repeat(digits)),
                Arbitraries.of("-1", "0", "1e400", "-0.5", "1.0", "9223372036854775808", "-9223372036854775809",
                        "true", "false", "null", "\"P90D\"", "\"PT30S\"", "\"-PT5S\"", "\"P99999999999999D\"", "\"\""));
    }

    /** Arrays or objects nested {@code 1..60} levels deep, opened and maybe not closed. */
    public static Arbitrary<String> deepNesting() {
        return Combinators.combine(Arbitraries.integers().between(1, 60), Arbitraries.of("[", "{\"a\":"), Arbitraries.of(true, false))
                .as((depth, open, closed) -> {
                    String close = open.equals("[") ? "]" : "}";
                    return open.repeat(depth) + "1" + (closed ? close.repeat(depth) : "");
                });
    }

    /** {@code valid} damaged: cut short, a character replaced, inserted or removed. */
    public static Arbitrary<String> damaged(String valid) {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, valid.length() - 1);
        Arbitrary<Character> character = Arbitraries.chars().all();
        return Arbitraries.oneOf(
                at.map(index -> valid.substring(0, index)),
                Combinators.combine(at, character).as((index, c) -> valid.substring(0, index) + c + valid.substring(index + 1)),
                Combinators.combine(at, character).as((index, c) -> valid.substring(0, index) + c + valid.substring(index)),
                at.map(index -> valid.substring(0, index) + valid.substring(index + 1)));
    }

    /** A JSON string literal of {@code value}, escaping what JSON requires. */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
