package dev.apiguard.keycloak.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StructuredFieldsTest {

    @Test
    void parseListWhenTwoPoliciesThenItemsWithParameters() {
        List<StructuredFields.Item> items = StructuredFields.parseList("\"clients\";q=100;w=2, \"realm\";q=5000;w=3");

        assertThat(items).hasSize(2);
        assertThat(items.get(0).value()).isEqualTo("clients");
        assertThat(items.get(0).integer("q")).isEqualTo(100);
        assertThat(items.get(1).integer("w")).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"a\";q=1,", "\"a;q=1", "\"a\";Q=1", "\"a\";q=1.5", "\"a\" \"b\"", "(\"a\")"})
    void parseListWhenMalformedThenRefused(String field) {
        assertThatThrownBy(() -> StructuredFields.parseList(field)).isInstanceOf(IllegalArgumentException.class);
    }
}
