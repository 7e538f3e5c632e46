package dev.apiguard.keycloak.inputlimits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormParameterLimitMapperTest {

    @Test
    void isParameterLimitWhenRestEasysExactExceptionThenTrue() {
        assertThat(FormParameterLimitMapper.isParameterLimit(new RuntimeException("Param limit of 1000 was exceeded"))).isTrue();
    }

    @Test
    void isParameterLimitWhenAnotherMessageOrASubclassThenFalse() {
        assertThat(FormParameterLimitMapper.isParameterLimit(new RuntimeException("boom"))).isFalse();
        assertThat(FormParameterLimitMapper.isParameterLimit(new RuntimeException((String) null))).isFalse();
        assertThat(FormParameterLimitMapper.isParameterLimit(new IllegalStateException("Param limit of 1000 was exceeded"))).isFalse();
        assertThat(FormParameterLimitMapper.isParameterLimit(null)).isFalse();
    }
}
