package dev.apiguard.keycloak.realmconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;

class BuiltInClientScopesTest {

    private static final String ALL_BUILT_IN_CLIENTS = """
            { "clientId": "account" }, { "clientId": "account-console" }, { "clientId": "admin-cli" },
            { "clientId": "security-admin-console" }, { "clientId": "broker" }, { "clientId": "realm-management" }""";

    @Test
    void problemsWhenTheFileDeclaresNoClientScopesThenNone() throws IOException {
        // Keycloak then creates its default scopes itself and gives them to its own clients.
        assertThat(BuiltInClientScopes.problems(
                        realm("{ \"realm\": \"demo\", \"clients\": [ { \"clientId\": \"app\" } ] }")))
                .isEmpty();
    }

    @Test
    void problemsWhenClientScopesAreDeclaredButNoBuiltInClientThenNamesEveryMissingOne() throws IOException {
        RealmRepresentation realm = realm("""
                { "realm": "demo", "clientScopes": [ { "name": "basic" } ], "defaultDefaultClientScopes": [ "basic" ],
                  "clients": [ { "clientId": "app" }, { "clientId": "admin-cli" } ] }
                """);

        assertThat(BuiltInClientScopes.problems(realm))
                .singleElement()
                .asString()
                .startsWith(
                        "clients: Keycloak's built-in clients [account, account-console, security-admin-console, broker, "
                                + "realm-management] are not declared; because the file declares clientScopes, Keycloak would create "
                                + "them without any default client scope");
    }

    @Test
    void problemsWhenEveryBuiltInClientIsDeclaredAndTheRealmDefaultsHoldBasicThenNone() throws IOException {
        RealmRepresentation realm = realm("""
                { "realm": "demo", "clientScopes": [ { "name": "basic" } ], "defaultDefaultClientScopes": [ "basic" ],
                  "clients": [ %s ] }
                """.formatted(ALL_BUILT_IN_CLIENTS));

        assertThat(BuiltInClientScopes.problems(realm)).isEmpty();
    }

    @Test
    void problemsWhenABuiltInClientListsDefaultScopesWithoutBasicThenNamesItAndTheScope() throws IOException {
        RealmRepresentation realm = realm("""
                { "realm": "demo", "clientScopes": [ { "name": "basic" }, { "name": "profile" } ],
                  "defaultDefaultClientScopes": [ "basic" ],
                  "clients": [ %s, { "clientId": "app", "defaultClientScopes": [] } ] }
                """.formatted(ALL_BUILT_IN_CLIENTS.replace(
                "{ \"clientId\": \"account-console\" }",
                "{ \"clientId\": \"account-console\", \"defaultClientScopes\": [ \"profile\" ] }")));

        assertThat(BuiltInClientScopes.problems(realm))
                .containsExactly("clients[clientId=account-console]: Keycloak's built-in "
                        + "client would get no 'basic' default client scope (its tokens would carry no 'sub'): list 'basic' in its "
                        + "defaultClientScopes");
    }

    @Test
    void problemsWhenBuiltInClientsInheritRealmDefaultsWithoutBasicThenEachIsNamed() throws IOException {
        RealmRepresentation realm = realm("""
                { "realm": "demo", "clientScopes": [ { "name": "profile" } ], "defaultDefaultClientScopes": [ "profile" ],
                  "clients": [ %s ] }
                """.formatted(ALL_BUILT_IN_CLIENTS));

        assertThat(BuiltInClientScopes.problems(realm))
                .hasSize(6)
                .allSatisfy(problem -> assertThat(problem).endsWith("or in the realm's defaultDefaultClientScopes"));
    }

    @Test
    void checkWhenTheFileWouldStripTheBuiltInClientsThenTheRealmFileCheckRefusesIt() {
        RealmFileCheck.Result result = new RealmFileCheck(Map.<String, String>of()::get).check("""
                { "realm": "demo", "clientScopes": [ { "name": "basic" } ], "defaultDefaultClientScopes": [ "basic" ] }
                """);

        assertThat(result.ok()).isFalse();
        assertThat(result.problems()).singleElement().asString().contains("Keycloak's built-in clients");
    }

    private static RealmRepresentation realm(String json) throws IOException {
        return new ObjectMapper().readValue(json, RealmRepresentation.class);
    }
}
