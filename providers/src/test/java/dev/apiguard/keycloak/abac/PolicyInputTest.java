package dev.apiguard.keycloak.abac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PolicyInputTest {

    @Test
    void findWhenAVariableIsLazyThenItIsComputedOnceAndOnlyWhenRead() {
        AtomicInteger lookups = new AtomicInteger();
        PolicyInput input = PolicyInput.builder()
                .lazy(PolicyVariables.USER_GROUPS, () -> List.of("/g" + lookups.incrementAndGet()))
                .build();

        assertThat(lookups).hasValue(0);
        assertThat(input.find(PolicyVariables.USER_GROUPS)).contains(List.of("/g1"));
        assertThat(input.find(PolicyVariables.USER_GROUPS)).contains(List.of("/g1"));
        assertThat(lookups).hasValue(1);
    }

    @Test
    void findWhenAVariableIsNullOrNotBoundThenEmpty() {
        PolicyInput input =
                PolicyInput.builder().value(PolicyVariables.USER_EMAIL, null).build();

        assertThat(input.find(PolicyVariables.USER_EMAIL)).isEmpty();
        assertThat(input.find(PolicyVariables.AUTH_ACR)).isEmpty();
        assertThat(input.find("user")).isEmpty();
    }

    @Test
    void builderWhenTheVariableIsUnknownThenRefusedNamingIt() {
        assertThatThrownBy(() -> PolicyInput.builder().value("user.department", "sales"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown policy variable 'user.department'");
    }

    @Test
    void builderWhenUsedAfterBuildThenRefused() {
        PolicyInput.Builder builder = PolicyInput.builder().value(PolicyVariables.USER_USERNAME, "alice");
        PolicyInput input = builder.build();

        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> builder.value(PolicyVariables.USER_USERNAME, "bob"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(input.find(PolicyVariables.USER_USERNAME)).contains("alice");
    }

    @Test
    void valueWhenBoundTwiceThenTheLastBindingCounts() {
        PolicyInput input = PolicyInput.builder()
                .lazy(PolicyVariables.USER_GROUPS, () -> List.of("/lazy"))
                .value(PolicyVariables.USER_GROUPS, List.of("/value"))
                .value(PolicyVariables.USER_EMAIL, "a@example.org")
                .lazy(PolicyVariables.USER_EMAIL, () -> null)
                .build();

        assertThat(input.find(PolicyVariables.USER_GROUPS)).contains(List.of("/value"));
        assertThat(input.find(PolicyVariables.USER_EMAIL)).isEmpty();
    }
}
