package dev.apiguard.keycloak.realmconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RealmReferencesTest {

    private final RealmFileCheck check = new RealmFileCheck(Map.<String, String>of()::get);

    /** A file that declares client scopes must declare Keycloak's own clients too ({@link BuiltInClientScopes}). */
    private static final String BUILT_IN_CLIENTS = """
            { "clientId": "account" }, { "clientId": "account-console" }, { "clientId": "admin-cli" },
            { "clientId": "security-admin-console" }, { "clientId": "broker" }, { "clientId": "realm-management" },""";

    @Test
    void checkWhenEveryReferenceIsDeclaredThenNoProblem() {
        assertThat(check.check("""
                { "realm": "demo",
                  "roles": { "realm": [ { "name": "api-user" } ] },
                  "clientScopes": [ { "name": "basic" }, { "name": "orders:read" } ],
                  "defaultDefaultClientScopes": [ "basic" ],
                  "clients": [ %s
                               { "clientId": "svc", "defaultClientScopes": [ "basic" ], "optionalClientScopes": [ "orders:read" ] } ],
                  "scopeMappings": [ { "client": "svc", "roles": [ "api-user" ] } ],
                  "users": [ { "username": "alice", "realmRoles": [ "api-user", "offline_access", "default-roles-demo" ] },
                             { "username": "service-account-svc", "serviceAccountClientId": "svc" } ],
                  "clientProfiles": { "profiles": [ { "name": "mine", "executors": [] } ] },
                  "clientPolicies": { "policies": [ { "name": "p", "enabled": true, "conditions": [],
                                                      "profiles": [ "mine", "fapi-2-security-profile" ] } ] } }
                """.formatted(BUILT_IN_CLIENTS)).problems()).isEmpty();
    }

    @Test
    void checkWhenAUserHasAMisspeltRoleThenProblemNamesUserAndRole() {
        assertThat(check.check("""
                { "realm": "demo", "roles": { "realm": [ { "name": "api-user" } ] },
                  "users": [ { "username": "alice", "realmRoles": [ "api-usr" ] } ] }
                """).problems())
                .containsExactly("users[username=alice].realmRoles: role 'api-usr' is not declared in roles.realm");
    }

    @Test
    void checkWhenAScopeMappingNamesUnknownClientAndRoleThenBothAreReported() {
        assertThat(check.check("""
                { "realm": "demo", "scopeMappings": [ { "client": "nobody", "roles": [ "ghost" ] } ] }
                """).problems())
                .containsExactly(
                        "scopeMappings[client=nobody].client: client 'nobody' is not declared",
                        "scopeMappings[client=nobody].roles: role 'ghost' is not declared in roles.realm");
    }

    @Test
    void checkWhenAServiceAccountNamesAnUnknownClientThenProblem() {
        assertThat(check.check("""
                { "realm": "demo", "users": [ { "username": "service-account-x", "serviceAccountClientId": "x" } ] }
                """).problems())
                .containsExactly(
                        "users[username=service-account-x].serviceAccountClientId: client 'x' is not declared");
    }

    @Test
    void checkWhenAClientNamesAnUndeclaredScopeThenProblemNamesClientAndScope() {
        assertThat(check.check("""
                { "realm": "demo", "clientScopes": [ { "name": "basic" } ], "defaultOptionalClientScopes": [ "orders:red" ],
                  "defaultDefaultClientScopes": [ "basic" ],
                  "clients": [ %s { "clientId": "spa", "optionalClientScopes": [ "orders:raed" ] } ] }
                """.formatted(BUILT_IN_CLIENTS)).problems())
                .containsExactly(
                        "defaultOptionalClientScopes: client scope 'orders:red' is not declared in clientScopes",
                        "clients[clientId=spa].optionalClientScopes: client scope 'orders:raed' is not declared in clientScopes");
    }

    @Test
    void checkWhenTheFileDeclaresNoClientScopesThenKeycloaksDefaultsMayBeNamed() {
        assertThat(check.check("""
                { "realm": "demo", "clients": [ { "clientId": "spa", "defaultClientScopes": [ "profile", "email" ] } ] }
                """).problems()).isEmpty();
    }

    @Test
    void checkWhenAPolicyNamesAnUnknownProfileThenProblem() {
        assertThat(check.check("""
                { "realm": "demo", "clientPolicies": { "policies": [ { "name": "p", "enabled": true, "profiles": [ "apiguard-baselin" ] } ] } }
                """).problems())
                .containsExactly("clientPolicies[name=p].profiles: profile 'apiguard-baselin' is neither "
                        + "declared in clientProfiles nor one of Keycloak's global profiles");
    }
}
