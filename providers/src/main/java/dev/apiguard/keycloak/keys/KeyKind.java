package dev.apiguard.keycloak.keys;

/** What a rotated key is for, which decides how long it must outlive its signing period. */
enum KeyKind {
    /** An asymmetric key (ES256, PS256, RS256, EdDSA): published in the JWKS, signs access and ID tokens. */
    SIGNING,
    /** An HMAC or AES key: never published, signs refresh tokens, action tokens and cookies. */
    SECRET
}
