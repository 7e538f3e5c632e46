package dev.apiguard.keycloak.it.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser of RFC 9651 (Structured Field Values for HTTP) Lists whose members are Items with
 * Parameters: strings, tokens, integers and booleans, as the RateLimit fields of
 * draft-ietf-httpapi-ratelimit-headers use. Anything else (an inner list, a decimal, a byte
 * sequence, a syntax error) fails the parse, so that a test cannot pass on a malformed field.
 */
public final class StructuredFields {

    /** A list member: its bare item and its parameters in order. */
    public record Item(Object value, Map<String, Object> parameters) {

        public long integer(String parameter) {
            Object value = parameters.get(parameter);
            if (!(value instanceof Long number)) {
                throw new AssertionError("parameter " + parameter + " is not an integer: " + parameters);
            }
            return number;
        }
    }

    private final String input;
    private int pos;

    private StructuredFields(String input) {
        this.input = input;
    }

    /** Parses a List field value (RFC 9651 section 4.2.1). */
    public static List<Item> parseList(String field) {
        if (field == null) {
            throw new IllegalArgumentException("no field");
        }
        StructuredFields parser = new StructuredFields(field);
        parser.skip(' ');
        List<Item> members = new ArrayList<>();
        while (parser.pos < field.length()) {
            members.add(parser.item());
            parser.skipOws();
            if (parser.pos >= field.length()) {
                return members;
            }
            parser.expect(',');
            parser.skipOws();
            if (parser.pos >= field.length()) {
                throw parser.fail("trailing comma");
            }
        }
        return members;
    }

    private Item item() {
        Object value = bareItem();
        Map<String, Object> parameters = new LinkedHashMap<>();
        while (pos < input.length() && input.charAt(pos) == ';') {
            pos++;
            skip(' ');
            String key = key();
            Object parameter = Boolean.TRUE;
            if (pos < input.length() && input.charAt(pos) == '=') {
                pos++;
                parameter = bareItem();
            }
            parameters.put(key, parameter);
        }
        return new Item(value, parameters);
    }

    private Object bareItem() {
        if (pos >= input.length()) {
            throw fail("an item is missing");
        }
        char c = input.charAt(pos);
        if (c == '-' || (c >= '0' && c <= '9')) {
            return integer();
        }
        if (c == '"') {
            return string();
        }
        if (c == '?') {
            pos++;
            char b = pos < input.length() ? input.charAt(pos) : ' ';
            pos++;
            if (b == '1') {
                return Boolean.TRUE;
            }
            if (b == '0') {
                return Boolean.FALSE;
            }
            throw fail("not a boolean");
        }
        if (Character.isLetter(c) || c == '*') {
            int start = pos;
            while (pos < input.length() && isTokenChar(input.charAt(pos))) {
                pos++;
            }
            return input.substring(start, pos);
        }
        throw fail("unsupported item");
    }

    private Long integer() {
        int start = pos;
        if (input.charAt(pos) == '-') {
            pos++;
        }
        int digits = pos;
        while (pos < input.length() && Character.isDigit(input.charAt(pos))) {
            pos++;
        }
        if (pos == digits || pos - digits > 15) {
            throw fail("an integer has 1 to 15 digits");
        }
        if (pos < input.length() && input.charAt(pos) == '.') {
            throw fail("decimals are not expected");
        }
        return Long.parseLong(input.substring(start, pos));
    }

    private String string() {
        pos++;
        StringBuilder value = new StringBuilder();
        while (pos < input.length()) {
            char c = input.charAt(pos++);
            if (c == '\\') {
                if (pos >= input.length()) {
                    throw fail("a backslash ends the string");
                }
                char next = input.charAt(pos++);
                if (next != '"' && next != '\\') {
                    throw fail("bad escape");
                }
                value.append(next);
            } else if (c == '"') {
                return value.toString();
            } else if (c < 0x20 || c > 0x7e) {
                throw fail("a character outside printable ASCII");
            } else {
                value.append(c);
            }
        }
        throw fail("the string is not closed");
    }

    private String key() {
        int start = pos;
        if (pos >= input.length() || !(Character.isLowerCase(input.charAt(pos)) || input.charAt(pos) == '*')) {
            throw fail("a key starts with a lower-case letter or *");
        }
        while (pos < input.length()) {
            char c = input.charAt(pos);
            if (Character.isLowerCase(c) || Character.isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*') {
                pos++;
            } else {
                break;
            }
        }
        return input.substring(start, pos);
    }

    private static boolean isTokenChar(char c) {
        return Character.isLetterOrDigit(c) || ":/!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private void skip(char c) {
        while (pos < input.length() && input.charAt(pos) == c) {
            pos++;
        }
    }

    private void skipOws() {
        while (pos < input.length() && (input.charAt(pos) == ' ' || input.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private void expect(char c) {
        if (pos >= input.length() || input.charAt(pos) != c) {
            throw fail("'" + c + "' expected");
        }
        pos++;
    }

    private IllegalArgumentException fail(String why) {
        return new IllegalArgumentException("not an RFC 9651 list (" + why + " at " + pos + "): " + input);
    }
}
