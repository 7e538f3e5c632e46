package dev.apiguard.keycloak.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * Reads a JSON body of an API Guard admin endpoint (or a document it stores) within explicit
 * limits, so that hostile input is refused with a message and never costs more than the limits:
 * <ul>
 *   <li>the text: at most {@code maxChars} characters (each caller names its own, e.g. 16,384 for
 *       a rotation policy, 1,000,000 for a scope-policy document);</li>
 *   <li>nesting of arrays and objects: at most {@value #MAX_DEPTH} levels;</li>
 *   <li>a number: at most {@value #MAX_NUMBER_DIGITS} characters;</li>
 *   <li>a string: at most {@value #MAX_STRING_CHARS} characters; a field name at most
 *       {@value #MAX_NAME_CHARS};</li>
 *   <li>a field name given twice in one object is an error (not "the last one wins").</li>
 * </ul>
 * Every failure is a {@link Invalid} whose message names the limit or the place (line and
 * column) and never quotes more of the input than Jackson's first line of explanation.
 */
public final class JsonLimits {

    public static final int MAX_DEPTH = 32;
    public static final int MAX_NUMBER_DIGITS = 20;
    public static final int MAX_STRING_CHARS = 100_000;
    public static final int MAX_NAME_CHARS = 256;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxNumberLength(MAX_NUMBER_DIGITS)
                            .maxStringLength(MAX_STRING_CHARS)
                            .maxNameLength(MAX_NAME_CHARS)
                            .build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonLimits() {}

    /** A body refused before its content was looked at: not JSON, or over a limit. */
    public static final class Invalid extends Exception {

        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }

        /** The message as the only entry of a problem list. */
        public List<String> problems() {
            return List.of(getMessage());
        }
    }

    /**
     * Parses {@code text} as one JSON value.
     *
     * @param text the text, {@code null} or blank is refused
     * @param maxChars the most characters the caller accepts
     * @param subject what the text is, for messages ("the policy", "the document")
     */
    public static JsonNode read(String text, int maxChars, String subject) throws Invalid {
        if (text == null || text.isBlank()) {
            throw new Invalid(subject + ": empty");
        }
        if (text.length() > maxChars) {
            throw new Invalid(subject + ": " + text.length() + " characters, at most " + maxChars + " allowed");
        }
        try {
            return JSON.readTree(text);
        } catch (StreamConstraintsException e) {
            throw new Invalid(subject + ": " + exceeded(e.getMessage()) + where(e));
        } catch (JsonProcessingException e) {
            throw new Invalid(subject + ": not valid JSON" + where(e) + ": " + firstLine(e.getOriginalMessage()));
        }
    }

    /** Which limit Jackson's constraint message is about, in this class's words. */
    static String exceeded(String message) {
        String text = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
        if (text.contains("nesting depth")) {
            return "nested deeper than " + MAX_DEPTH + " levels of arrays and objects";
        }
        if (text.contains("number value length")) {
            return "a number longer than " + MAX_NUMBER_DIGITS + " characters";
        }
        if (text.contains("string value length")) {
            return "a string longer than " + MAX_STRING_CHARS + " characters";
        }
        if (text.contains("name length")) {
            return "a field name longer than " + MAX_NAME_CHARS + " characters";
        }
        return "over a limit (at most " + MAX_DEPTH + " levels of nesting, " + MAX_NUMBER_DIGITS
                + " characters in a number, " + MAX_STRING_CHARS + " in a string, " + MAX_NAME_CHARS
                + " in a field name)";
    }

    /** " at line L, column C" when Jackson knows the place, else nothing. */
    static String where(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** Jackson's first line only: later lines may quote the input at length. At most 200 characters. */
    static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "unreadable";
        }
        String line = message.lines().findFirst().orElse("unreadable");
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
