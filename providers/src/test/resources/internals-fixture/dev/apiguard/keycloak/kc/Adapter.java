package dev.apiguard.keycloak.kc;

// Fixture of KeycloakInternalsTest: the adapter package may use internals; nothing here is reported.
import org.keycloak.services.managers.AuthenticationManager;

final class Adapter {
}
