package dev.apiguard.keycloak.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The ITs' own S256 computation, against RFC 7636 Appendix B. */
class PkceTest {

    @Test
    void ofWhenVerifierIsTheRfc7636AppendixBVectorThenChallengeIsTheRfcValue() {
        Oidc.Pkce pkce = Oidc.Pkce.of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

        assertThat(pkce.challenge()).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    @Test
    void createWhenCalledTwiceThenVerifiersDifferAndMeetRfc7636Length() {
        Oidc.Pkce first = Oidc.Pkce.create();
        Oidc.Pkce second = Oidc.Pkce.create();

        assertThat(first.verifier()).isNotEqualTo(second.verifier());
        assertThat(first.verifier().length()).isBetween(43, 128);
        assertThat(first.verifier()).matches("[A-Za-z0-9._~-]+");
    }
}
