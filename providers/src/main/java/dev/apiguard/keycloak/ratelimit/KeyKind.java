package dev.apiguard.keycloak.ratelimit;

import java.util.Locale;

/** What a rule counts by. */
enum KeyKind {
    /** The client the request names (form {@code client_id}, Basic header, query {@code client_id}). */
    CLIENT,
    /** The source address as Keycloak resolved it, aggregated to IPv4 /24 and IPv6 /64. */
    ADDRESS,
    /** The username of a password attempt (login form, password grant). */
    USERNAME,
    /** One bucket for the whole realm. */
    REALM;

    String documentName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static KeyKind ofDocumentName(String name) {
        for (KeyKind kind : values()) {
            if (kind.documentName().equals(name)) {
                return kind;
            }
        }
        return null;
    }
}
