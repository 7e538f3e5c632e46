package dev.apiguard.keycloak.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiErrorTest {

    @Test
    void serialisedWhenProblemsAreGivenThenTheThreeDocumentedFieldsInOrder() throws Exception {
        String json = new ObjectMapper()
                .writeValueAsString(new ApiError(
                        "invalid_policy", "the policy has 1 problem", List.of("retirement '-5' is negative")));

        assertThat(json)
                .isEqualTo("{\"error\":\"invalid_policy\",\"error_description\":\"the policy has 1 problem\","
                        + "\"problems\":[\"retirement '-5' is negative\"]}");
    }

    @Test
    void serialisedWhenNoProblemsThenAnEmptyList() throws Exception {
        String json = new ObjectMapper().writeValueAsString(new ApiError("not_found", "no such thing", null));

        assertThat(json).endsWith("\"problems\":[]}");
    }

    @Test
    void describeWhenCountingThenSingularAndPlural() {
        assertThat(ApiError.describe("the policy", List.of("a"))).isEqualTo("the policy has 1 problem");
        assertThat(ApiError.describe("the policy", List.of("a", "b"))).isEqualTo("the policy has 2 problems");
    }
}
