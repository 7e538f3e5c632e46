package dev.apiguard.keycloak.clientguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperatorClientsTest {

    /** The management clients in master of the realms that exist in this table's server. */
    private static final Set<String> EXISTING_REALMS = Set.of("master-realm", "apiguard-demo-realm");

    @ParameterizedTest(name = "{1} in {0}: {2}")
    @CsvSource(
            value = {
                "apiguard-demo, security-admin-console, true",
                "apiguard-demo, admin-cli, true",
                "apiguard-demo, account-console, true",
                "apiguard-demo, realm-management, true",
                "apiguard-demo, broker, true",
                "apiguard-demo, account, true",
                "master, apiguard-demo-realm, true",
                "master, master-realm, true",
                "master, x-realm, false",
                "master, attacker-realm, false",
                "apiguard-demo, apiguard-demo-realm, false",
                "apiguard-demo, demo-spa, false",
                "apiguard-demo, admin-cli-copy, false",
            })
    void isOperatorClientWhenAskedThenOnlyKeycloaksOwnManagementClients(
            String realm, String clientId, boolean expected) {
        assertThat(OperatorClients.isOperatorClient(realm, clientId, EXISTING_REALMS::contains))
                .isEqualTo(expected);
    }
}
