package dev.apiguard.keycloak.common;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Generators of hostile JSON-like text for the parsers' property tests: arbitrary text, JSON
 * values nested up to 60 levels (deeper than {@link JsonLimits#MAX_DEPTH}), numbers of up to
 * 5,000 digits, long strings, duplicate keys, truncations and character-level damage of valid text.
 *
 * <p>Each generator is a plain function of a {@link RandomGenerator}. {@link #samples} turns one
 * into the arguments of a JUnit {@code @ParameterizedTest}: sample {@code i} (1-based, the same
 * number as JUnit's invocation index, {@code [i]} in Surefire's report) is drawn from its own
 * generator seeded with {@code SEED + i}, and its display name states both, so any failing sample
 * can be regenerated alone with {@link #sample}; indices past the samples are the fixed edge cases,
 * in order. The seed is fixed, so every run checks the same samples;
 * {@code -Dapiguard.fuzz.seed=<n>} explores others.
 */
public final class JsonFuzz {

    /** The seed of every property test: fixed, so a run is reproducible; a system property explores other samples. */
    public static final long SEED = Long.getLong("apiguard.fuzz.seed", 20_261_130L);

    /** Samples per property unless a test states otherwise. */
    public static final int SAMPLES = 200;

    private static final String JSON_PUNCTUATION = "{}[]\":,0123456789.eE+-truefalsn \\u\n\t";

    private static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static final List<String> EDGE_SCALARS = List.of(
            "-1",
            "0",
            "1e400",
            "-0.5",
            "1.0",
            "9223372036854775808",
            "-9223372036854775809",
            "true",
            "false",
            "null",
            "\"P90D\"",
            "\"PT30S\"",
            "\"-PT5S\"",
            "\"P99999999999999D\"",
            "\"\"");

    private JsonFuzz() {}

    /** A text generator: one sample from a source of randomness. */
    @FunctionalInterface
    public interface Gen extends Function<RandomGenerator, String> {}

    /**
     * {@code count} samples of {@code generator} as named arguments ("sample i (seed s)", i from 1), followed
     * by the fixed {@code edgeCases}.
     */
    public static Stream<Arguments> samples(int count, Gen generator, List<Named<String>> edgeCases) {
        Stream<Arguments> generated = IntStream.rangeClosed(1, count)
                .mapToObj(index -> Arguments.of(
                        Named.of("sample " + index + " (seed " + SEED + ")", sample(SEED, index, generator))));
        return Stream.concat(generated, edgeCases.stream().map(Arguments::of));
    }

    /** Sample {@code index} of {@code generator} for {@code seed}: the text a failing test named. */
    public static String sample(long seed, int index, Gen generator) {
        return generator.apply(new SplittableRandom(seed + index));
    }

    /** A fixed edge case, named in the test's display name. */
    public static Named<String> edge(String name, String text) {
        return Named.of("edge case: " + name, text);
    }

    /**
     * Edge cases every parser must survive: empty, blank, NUL, lone surrogates, a truncation, nesting
     * one past the limit, a huge number; followed by {@code more}.
     */
    @SafeVarargs
    public static List<Named<String>> edgeCases(Named<String>... more) {
        return Stream.concat(
                        Stream.of(
                                edge("empty", ""),
                                edge("one space", " "),
                                edge("NUL", "\u0000"),
                                edge("lone high surrogate", "\uD800"),
                                edge("lone low surrogate in a string", "\"\uDC00\""),
                                edge("empty object", "{}"),
                                edge("empty array", "[]"),
                                edge("null", "null"),
                                edge("an object cut after its first key", "{\"a\":"),
                                edge(
                                        "arrays nested one past the limit",
                                        "[".repeat(JsonLimits.MAX_DEPTH + 1) + "]".repeat(JsonLimits.MAX_DEPTH + 1)),
                                edge("a number of 5000 digits", "{\"a\":" + "9".repeat(5_000) + "}")),
                        Stream.of(more))
                .toList();
    }

    /** One of {@code generators}, each equally likely. */
    public static String oneOf(RandomGenerator random, Gen... generators) {
        return generators[random.nextInt(generators.length)].apply(random);
    }

    /** Any string of at most 300 characters: any UTF-16 unit (control characters and lone surrogates included), or JSON punctuation only. */
    public static String anyText(RandomGenerator random) {
        return random.nextBoolean() ? anyChars(random, 0, 300) : chars(random, JSON_PUNCTUATION, 0, 300);
    }

    /** {@code min..max} characters, each any UTF-16 unit (see {@link #anyChar}). */
    public static String anyChars(RandomGenerator random, int min, int max) {
        int length = random.nextInt(min, max + 1);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(anyChar(random));
        }
        return out.toString();
    }

    /** {@code min..max} characters drawn from {@code alphabet}. */
    public static String chars(RandomGenerator random, String alphabet, int min, int max) {
        int length = random.nextInt(min, max + 1);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    /**
     * Any UTF-16 unit, U+0000..U+FFFF. One in eight is drawn from the rare troublemakers so that
     * they show up in 200 samples: a control character, a lone surrogate, a quote or a backslash.
     */
    public static char anyChar(RandomGenerator random) {
        if (random.nextInt(8) > 0) {
            return (char) random.nextInt(Character.MAX_VALUE + 1);
        }
        return switch (random.nextInt(4)) {
            case 0 -> (char) random.nextInt(0x20);
            case 1 -> (char) random.nextInt(Character.MIN_SURROGATE, Character.MAX_SURROGATE + 1);
            case 2 -> '"';
            default -> '\\';
        };
    }

    /** A JSON value nested at most four levels, with the given field names mixed in. */
    public static String jsonValue(RandomGenerator random, String... fieldNames) {
        return value(random, 4, fieldNames);
    }

    /** A JSON object whose fields are drawn from {@code fieldNames} and random names, nested at most four levels. */
    public static String object(RandomGenerator random, String... fieldNames) {
        return object(random, 4, fieldNames);
    }

    private static String value(RandomGenerator random, int depth, String... fieldNames) {
        if (depth <= 0) {
            return scalar(random);
        }
        return switch (random.nextInt(4)) {
            case 0, 1 -> scalar(random);
            case 2 -> object(random, depth - 1, fieldNames);
            default -> array(random, depth - 1, fieldNames);
        };
    }

    private static String object(RandomGenerator random, int depth, String... fieldNames) {
        String[] names = fieldNames.length == 0 ? new String[] {"a"} : fieldNames;
        int size = random.nextInt(7);
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < size; i++) {
            String name = random.nextBoolean() ? names[random.nextInt(names.length)] : chars(random, ALPHA, 0, 8);
            out.append(i == 0 ? "" : ",").append(quote(name)).append(':').append(value(random, depth, fieldNames));
        }
        return out.append('}').toString();
    }

    private static String array(RandomGenerator random, int depth, String... fieldNames) {
        int size = random.nextInt(6);
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            out.append(i == 0 ? "" : ",").append(value(random, depth, fieldNames));
        }
        return out.append(']').toString();
    }

    /** Strings, numbers (some with thousands of digits), booleans, null and the edge values of durations and longs. */
    public static String scalar(RandomGenerator random) {
        return switch (random.nextInt(4)) {
            case 0 -> quote(anyChars(random, 0, 40));
            case 1 -> chars(random, "0123456789", 1, 30);
            case 2 -> "9".repeat(random.nextInt(19, 5_001));
            default -> EDGE_SCALARS.get(random.nextInt(EDGE_SCALARS.size()));
        };
    }

    /** Arrays or objects nested {@code 1..60} levels deep, opened and maybe not closed. */
    public static String deepNesting(RandomGenerator random) {
        int depth = random.nextInt(1, 61);
        boolean array = random.nextBoolean();
        boolean closed = random.nextBoolean();
        String open = array ? "[" : "{\"a\":";
        String close = array ? "]" : "}";
        return open.repeat(depth) + "1" + (closed ? close.repeat(depth) : "");
    }

    /** {@code valid} damaged: cut short, a character replaced, inserted or removed (any UTF-16 unit, at any index). */
    public static String damaged(RandomGenerator random, String valid) {
        int index = random.nextInt(valid.length());
        return switch (random.nextInt(4)) {
            case 0 -> valid.substring(0, index);
            case 1 -> valid.substring(0, index) + anyChar(random) + valid.substring(index + 1);
            case 2 -> valid.substring(0, index) + anyChar(random) + valid.substring(index);
            default -> valid.substring(0, index) + valid.substring(index + 1);
        };
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
