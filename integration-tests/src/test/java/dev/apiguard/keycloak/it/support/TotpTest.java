package dev.apiguard.keycloak.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ITs' TOTP against the SHA-1 test vectors of RFC 6238 Appendix B. */
class TotpTest {

    @ParameterizedTest(name = "T = {0} s")
    @CsvSource(
            value = {
                "59, 94287082",
                "1111111109, 07081804",
                "1111111111, 14050471",
                "1234567890, 89005924",
                "2000000000, 69279037",
                "20000000000, 65353130"
            })
    void codeWhenRfc6238VectorsThenSameEightDigits(long seconds, String expected) {
        byte[] key = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

        assertThat(Totp.code(key, seconds / 30, 8)).isEqualTo(expected);
    }
}
