package dev.apiguard.keycloak.audit;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON Canonicalization Scheme (RFC 8785) for the values audit records hold: objects (maps with
 * string keys), arrays, strings, booleans, null and integral numbers. Object members are sorted by
 * the UTF-16 code units of their names (3.2.3); strings are escaped as ECMAScript's
 * {@code JSON.stringify} does (3.2.2.2: only {@code "}, {@code \}, and control characters, the
 * latter as {@code \b \t \n \f \r} or lower-case {@code \}{@code u00xx}); numbers are integers
 * (records carry no fractions; a fractional number is refused rather than written in a form that
 * would differ from ECMAScript's).
 */
public final class CanonicalJson {

    private CanonicalJson() {}

    public static String of(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte) {
            out.append(((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            out.append(big);
        } else if (value instanceof Number number) {
            BigDecimal decimal = new BigDecimal(number.toString());
            if (decimal.signum() != 0 && decimal.stripTrailingZeros().scale() > 0) {
                throw new IllegalArgumentException("canonical JSON here holds integers only, got " + number);
            }
            out.append(decimal.toBigInteger());
        } else if (value instanceof Map<?, ?> map) {
            List<String> keys = new ArrayList<>(map.size());
            for (Object key : map.keySet()) {
                keys.add((String) key);
            }
            // String.compareTo compares UTF-16 code units, as RFC 8785 3.2.3 asks.
            keys.sort(null);
            out.append('{');
            boolean first = true;
            for (String key : keys) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(key, out);
                out.append(':');
                write(map.get(key), out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(list.get(i), out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException(
                    "no canonical JSON form for " + value.getClass().getName());
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00")
                                .append(Character.forDigit(c >> 4, 16))
                                .append(Character.forDigit(c & 0xf, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
