package dev.apiguard.keycloak.realmconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RealmFileCheckTest {

    private final RealmFileCheck check =
            new RealmFileCheck(Map.of("DEMO_PASSWORD", "set", "SERVICE_SECRET", "set")::get);

    @Test
    void checkWhenRealmIsWellFormedThenNoProblem() {
        RealmFileCheck.Result result = check.check("""
                {
                  "realm": "demo",
                  "clients": [ { "clientId": "svc", "secret": "${SERVICE_SECRET}" } ],
                  "users": [ { "username": "alice",
                               "credentials": [ { "type": "password", "value": "${DEMO_PASSWORD}" } ] } ]
                }
                """);

        assertThat(result.problems()).isEmpty();
        assertThat(result.ok()).isTrue();
        assertThat(result.realm()).isEqualTo("demo");
    }

    @Test
    void checkWhenTheScopePolicyDocumentIsBrokenThenProblemNamesTheAttributeAndThePlace() {
        RealmFileCheck.Result result = check.check("""
                { "realm": "demo", "attributes": { "apiguard.abac.policies":
                  "{\\"apiVersion\\": \\"apiguard/v1\\", \\"policies\\": [{\\"name\\": \\"p\\", \\"scopes\\": [\\"s\\"], \\"effect\\": \\"permit\\", \\"condition\\": \\"user.emailVerified &&\\"}]}" } }
                """);

        assertThat(result.problems())
                .singleElement()
                .asString()
                .startsWith("attribute apiguard.abac.policies: policies[0].condition: line 1, column 22: ");
    }

    @Test
    void checkWhenAPolicyReadsAnAttributeTheFilesUserProfileLetsUsersEditThenProblem() {
        RealmFileCheck.Result result = check.check("""
                { "realm": "demo",
                  "attributes": { "apiguard.abac.policies":
                    "{\\"apiVersion\\": \\"apiguard/v1\\", \\"policies\\": [{\\"name\\": \\"p\\", \\"scopes\\": [\\"s\\"], \\"effect\\": \\"permit\\", \\"condition\\": \\"user.attributes.team == ['a']\\"}]}" },
                  "components": { "org.keycloak.userprofile.UserProfileProvider": [ { "providerId": "declarative-user-profile",
                    "config": { "kc.user.profile.config": [ "{\\"attributes\\": [{\\"name\\": \\"team\\", \\"permissions\\": {\\"view\\": [\\"admin\\"], \\"edit\\": [\\"admin\\", \\"user\\"]}}]}" ] } } ] } }
                """);

        assertThat(result.problems())
                .containsExactly("attribute apiguard.abac.policies: policy \"p\" reads user attribute "
                        + "'team', which users can edit themselves (user profile: edit permission includes user): only attributes users "
                        + "cannot edit may decide access");
    }

    @Test
    void checkWhenJsonIsBrokenThenProblemNamesLineAndColumn() {
        RealmFileCheck.Result result = check.check("{\n  \"realm\": \"demo\",\n  \"enabled\": tru\n}");

        assertThat(result.ok()).isFalse();
        assertThat(result.realm()).isNull();
        assertThat(result.problems()).singleElement().asString().startsWith("line 3, column ");
    }

    @Test
    void checkWhenFieldIsMisspeltThenProblemNamesTheField() {
        RealmFileCheck.Result result = check.check("{ \"realm\": \"demo\", \"sslRequire\": \"all\" }");

        assertThat(result.problems()).singleElement().asString().contains("\"sslRequire\"");
    }

    @Test
    void checkWhenFieldHasWrongTypeThenProblemIsReported() {
        RealmFileCheck.Result result = check.check("{ \"realm\": \"demo\", \"bruteForceProtected\": [1] }");

        assertThat(result.problems()).singleElement().asString().contains("line 1");
    }

    @Test
    void checkWhenKeyRotationPolicyIsInvalidThenProblemNamesAttributeAndField() {
        RealmFileCheck.Result result = check.check(
                "{ \"realm\": \"demo\", \"attributes\": { \"apiguard.keyRotation\": \"{\\\"retirement\\\": \\\"soon\\\"}\" } }");

        assertThat(result.problems())
                .containsExactly("attribute apiguard.keyRotation: retirement 'soon' is not a duration: "
                        + "give an ISO-8601 duration such as P90D or PT30S, or seconds");
    }

    @Test
    void checkWhenKeyRotationPolicyIsValidThenNoProblem() {
        RealmFileCheck.Result result = check.check(
                "{ \"realm\": \"demo\", \"attributes\": { \"apiguard.keyRotation\": \"{\\\"rotationPeriod\\\": \\\"P30D\\\"}\" } }");

        assertThat(result.problems()).isEmpty();
    }

    @Test
    void checkWhenRealmNameIsMissingThenProblem() {
        RealmFileCheck.Result result = check.check("{ \"enabled\": true }");

        assertThat(result.problems()).containsExactly("field 'realm' (the realm's name) is missing or blank");
    }

    @Test
    void checkWhenPlaceholderVariableIsUnsetThenProblemNamesVariableAndLine() {
        RealmFileCheck.Result result = check.check("{\n \"realm\": \"demo\",\n \"displayName\": \"${MISSING_VAR}\"\n}");

        assertThat(result.problems())
                .containsExactly(
                        "line 3: placeholder ${MISSING_VAR} needs environment variable MISSING_VAR, which is not set");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "placeholder with default    | ${MISSING_VAR:fallback}",
                "env. prefix, variable set   | ${env.DEMO_PASSWORD}",
                "theme message key           | ${username}",
            })
    void checkWhenPlaceholderNeedsNoVariableThenNoProblem(String description, String value) {
        RealmFileCheck.Result result = check.check("{ \"realm\": \"demo\", \"displayName\": \"" + value + "\" }");

        assertThat(result.problems()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "literal secret                | s3cr3t-value",
                "placeholder with a default    | ${SERVICE_SECRET:changeme}",
                "placeholder inside a literal  | x${SERVICE_SECRET}",
            })
    void checkWhenClientSecretIsNotAPlainPlaceholderThenProblemWithoutTheValue(String description, String secret) {
        RealmFileCheck.Result result = check.check(
                "{ \"realm\": \"demo\", \"clients\": [ { \"clientId\": \"svc\", \"secret\": \"" + secret + "\" } ] }");

        assertThat(result.problems())
                .singleElement()
                .asString()
                .startsWith("clients[clientId=svc].secret is not a ${ENV_VAR} placeholder")
                .doesNotContain(secret);
    }

    @Test
    void checkWhenUserPasswordIsLiteralThenProblemWithoutTheValue() {
        RealmFileCheck.Result result = check.check("""
                { "realm": "demo", "users": [ { "username": "bob",
                  "credentials": [ { "type": "password", "value": "hunter2" } ] } ] }
                """);

        assertThat(result.problems())
                .singleElement()
                .asString()
                .startsWith("users[username=bob].credentials[type=password].value is not a ${ENV_VAR} placeholder")
                .doesNotContain("hunter2");
    }

    @Test
    void checkWhenJsonIsNullThenProblem() {
        assertThat(check.check("null").problems()).containsExactly("the file holds no realm (JSON null)");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "identity provider | literal value | s3cr3t-value",
                "identity provider | default       | ${IDP_SECRET:changeme}",
                "smtp              | literal value | s3cr3t-value",
                "smtp              | default       | ${SMTP_PASSWORD:changeme}",
                "ldap              | literal value | s3cr3t-value",
                "ldap              | default       | ${LDAP_BIND:changeme}",
            })
    void checkWhenAServerSecretIsLiteralThenProblemNamingItsPlaceWithoutTheValue(
            String where, String description, String secret) {
        RealmFileCheck.Result result = check.check(realmWithServerSecret(where, secret));

        assertThat(result.problems())
                .singleElement()
                .asString()
                .startsWith(
                        switch (where) {
                            case "identity provider" ->
                                "identityProviders[alias=corp].config.clientSecret is not a ${ENV_VAR} placeholder";
                            case "smtp" -> "smtpServer.password is not a ${ENV_VAR} placeholder";
                            default ->
                                "components[org.keycloak.storage.UserStorageProvider][name=corp-ldap].config.bindCredential is not";
                        })
                .doesNotContain(secret);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "identity provider | ${IDP_SECRET}",
                "identity provider | ${vault.idp-secret}",
                "smtp              | ${SMTP_PASSWORD}",
                "smtp              | ${vault.smtp}",
                "ldap              | ${LDAP_BIND}",
                "ldap              | ${vault.ldap_bind}",
            })
    void checkWhenAServerSecretIsAPlaceholderOrVaultExpressionThenNoProblem(String where, String secret) {
        RealmFileCheck check = new RealmFileCheck(name -> "set");

        assertThat(check.check(realmWithServerSecret(where, secret)).problems()).isEmpty();
    }

    private static String realmWithServerSecret(String where, String secret) {
        return switch (where) {
            case "identity provider" -> """
                    { "realm": "demo", "identityProviders": [ { "alias": "corp", "providerId": "oidc",
                      "config": { "clientId": "kc", "clientSecret": "%s" } } ] }
                    """.formatted(secret);
            case "smtp" -> """
                    { "realm": "demo", "smtpServer": { "host": "mail.example.org", "auth": "true", "user": "kc",
                      "password": "%s" } }
                    """.formatted(secret);
            default -> """
                    { "realm": "demo", "components": { "org.keycloak.storage.UserStorageProvider": [ { "name": "corp-ldap",
                      "providerId": "ldap", "config": { "bindDn": ["cn=kc"], "bindCredential": ["%s"] } } ] } }
                    """.formatted(secret);
        };
    }

    @Test
    void checkWhenNamesAndDescriptionsFitKeycloaksColumnsThenNoProblem() {
        String longest = "d".repeat(TextLengths.MAX);
        RealmFileCheck.Result result = check.check("""
                { "realm": "demo",
                  "roles": { "realm": [ { "name": "%1$s", "description": "%1$s" } ],
                             "client": { "svc": [ { "name": "r", "description": "%1$s" } ] } },
                  "clients": [ { "clientId": "svc", "name": "%1$s", "description": "%1$s" } ],
                  "clientScopes": [ { "name": "s", "description": "%1$s" } ],
                  "groups": [ { "name": "g", "description": "%1$s", "subGroups": [ { "name": "%1$s" } ] } ] }
                """.formatted(longest));

        // (The file declares client scopes without Keycloak's built-in clients: that check's problem is not this
        // one's.)
        assertThat(result.problems()).noneMatch(problem -> problem.contains("characters long"));
        assertThat(result.problems()).singleElement().asString().startsWith("clients: Keycloak's built-in clients");
    }

    @Test
    void checkWhenANameOrDescriptionIsLongerThanKeycloaksColumnThenProblemNamesThePlaceAndLengthNotTheValue() {
        String tooLong = "x".repeat(TextLengths.MAX + 1);
        RealmFileCheck.Result result = check.check("""
                { "realm": "demo",
                  "roles": { "realm": [ { "name": "api-user", "description": "%1$s" }, { "name": "%1$s" } ],
                             "client": { "svc": [ { "name": "r", "description": "%1$s" } ],
                                         "%1$s": [ { "name": "r", "description": "%1$s" } ] } },
                  "clients": [ { "clientId": "svc", "name": "%1$s", "description": "%1$s" },
                               { "clientId": "%1$s" } ],
                  "clientScopes": [ { "name": "orders:read", "description": "%1$s" } ],
                  "groups": [ { "name": "sales", "description": "%1$s",
                                "subGroups": [ { "name": "emea", "description": "%1$s" } ] } ] }
                """.formatted(tooLong));

        String tail = " is 256 characters long; Keycloak's database holds at most 255 (the import would fail)";
        assertThat(result.problems().stream()
                        .filter(problem -> !problem.startsWith("clients: Keycloak's built-in clients"))
                        .toList())
                .containsExactlyInAnyOrder(
                        "roles.realm[name=api-user].description" + tail,
                        "roles.realm[1].name" + tail,
                        "roles.client[svc][name=r].description" + tail,
                        "roles.client[(a client id of 256 characters)][name=r].description" + tail,
                        "clients[clientId=svc].name" + tail,
                        "clients[clientId=svc].description" + tail,
                        "clients[1].clientId" + tail,
                        "clientScopes[name=orders:read].description" + tail,
                        "groups[name=sales].description" + tail,
                        "groups[name=sales].subGroups[name=emea].description" + tail)
                .noneMatch(problem -> problem.contains(tooLong));
    }
}
