package dev.apiguard.keycloak.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    @Test
    void membersWhenUnicodeNamesThenSortedByUtf16CodeUnitsAsRfc8785Section323() {
        // The sorting example of RFC 8785, 3.2.3.
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("\u20ac", "Euro Sign");
        map.put("\r", "Carriage Return");
        map.put("\ufb33", "Hebrew Letter Dalet With Dagesh");
        map.put("1", "One");
        map.put("\ud83d\ude00", "Emoji: Grinning Face");
        map.put("\u0080", "Control");
        map.put("\u00f6", "Latin Small Letter O With Diaeresis");

        assertThat(CanonicalJson.of(map))
                .isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                        + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                        + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void stringsWhenControlCharactersThenEscapedAsEcmaScript() {
        assertThat(CanonicalJson.of("a\"b\\c\b\f\n\r\t\u0001\u001f/\u007f"))
                .isEqualTo("\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001f/\u007f\"");
    }

    @Test
    void valuesWhenNestedThenNoWhitespaceAndLiterals() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("b", Arrays.asList(1, true, null, -7L));
        map.put("a", Map.of("z", "y"));

        assertThat(CanonicalJson.of(map)).isEqualTo("{\"a\":{\"z\":\"y\"},\"b\":[1,true,null,-7]}");
    }

    @Test
    void numbersWhenFractionalThenRefused() {
        assertThatThrownBy(() -> CanonicalJson.of(List.of(1.5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
    }
}
