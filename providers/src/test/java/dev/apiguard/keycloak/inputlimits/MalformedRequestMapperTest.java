package dev.apiguard.keycloak.inputlimits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MalformedRequestMapperTest {

    @Test
    void isParameterLimitWhenRestEasysExactExceptionThenTrue() {
        assertThat(MalformedRequestMapper.isParameterLimit(new RuntimeException("Param limit of 1000 was exceeded")))
                .isTrue();
    }

    @Test
    void isParameterLimitWhenAnotherMessageOrASubclassThenFalse() {
        assertThat(MalformedRequestMapper.isParameterLimit(new RuntimeException("boom")))
                .isFalse();
        assertThat(MalformedRequestMapper.isParameterLimit(new RuntimeException((String) null)))
                .isFalse();
        assertThat(MalformedRequestMapper.isParameterLimit(
                        new IllegalStateException("Param limit of 1000 was exceeded")))
                .isFalse();
        assertThat(MalformedRequestMapper.isParameterLimit(null)).isFalse();
    }

    @Test
    void isUndecodableWhenTheUrlDecodersRefusalThenTrue() {
        assertThat(MalformedRequestMapper.isUndecodable(
                        new IllegalArgumentException("Failed to decode URL % to UTF-8")))
                .isTrue();
        assertThat(MalformedRequestMapper.isUndecodable(new IllegalArgumentException("something else")))
                .isFalse();
        assertThat(MalformedRequestMapper.isUndecodable(new RuntimeException("Failed to decode URL % to UTF-8")))
                .isFalse();
    }

    @Test
    void isTruncatedMultipartWhenTheParsersExactExceptionThenTrue() {
        assertThat(MalformedMultipartMapper.isTruncatedMultipart(
                        new java.io.IOException("Connection terminated parsing multipart request")))
                .isTrue();
        assertThat(MalformedMultipartMapper.isTruncatedMultipart(new java.io.IOException("Broken pipe")))
                .isFalse();
        assertThat(MalformedMultipartMapper.isTruncatedMultipart(
                        new java.io.EOFException("Connection terminated parsing multipart request")))
                .isFalse();
    }
}
