package dev.apiguard.keycloak.abac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPConfig;

/** Validation of policy documents: structure, CEL compilation and the trust check, with the exact messages. */
class PolicyDocumentValidationTest {

    private static final Path REALM_CONFIG = Path.of(System.getProperty("apiguard.repo.root"), "realm-config");

    /** A valid policy with one field replaced; {@code %s} is the replacement. */
    private static String withPolicy(String policy) {
        return "{\"apiVersion\": \"apiguard/v1\", \"protectedScopes\": [\"orders:write\"], \"policies\": [" + policy
                + "]}";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            empty text                | ``                                                              | document: empty
            not JSON                  | `{"apiVersion": `                                                | document: not valid JSON at line 1, column 16: Unexpected end-of-input within/between Object entries
            a list                    | `[]`                                                             | document: must be a JSON object
            no apiVersion             | `{"policies": []}`                                               | apiVersion: missing, must be "apiguard/v1"
            wrong apiVersion          | `{"apiVersion": "apiguard/v2", "policies": []}`                  | apiVersion: must be "apiguard/v1", was "apiguard/v2"
            unknown top-level field   | `{"apiVersion": "apiguard/v1", "policies": [], "rules": []}`     | rules: unknown field (allowed: apiVersion, policies, protectedScopes)
            no policies               | `{"apiVersion": "apiguard/v1"}`                                  | policies: missing, must be a list (it may be empty)
            policies not a list       | `{"apiVersion": "apiguard/v1", "policies": {}}`                  | policies: must be a list
            blank protected scope     | `{"apiVersion": "apiguard/v1", "protectedScopes": [" "], "policies": []}` | protectedScopes[0]: must be a non-blank string without spaces
            """)
    void parseWhenTheDocumentIsMalformedThenTheExactError(String label, String json, String error) {
        PolicyDocumentException thrown =
                catchThrowableOfType(PolicyDocumentException.class, () -> PolicyDocumentParser.parse(json));

        assertThat(thrown).as(label).isNotNull();
        assertThat(thrown.errors()).containsExactly(error);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            not an object        | `"p"`                                                                                                     | policies[0]: must be an object
            no name              | `{"scopes": ["s"], "effect": "permit", "condition": "true"}`                                              | policies[0].name: missing
            bad name             | `{"name": "Write Orders", "scopes": ["s"], "effect": "permit", "condition": "true"}`                      | policies[0].name: "Write Orders" must be 1 to 63 lower-case letters, digits or dashes, starting with a letter or digit
            no scopes            | `{"name": "p", "effect": "permit", "condition": "true"}`                                                  | policies[0].scopes: missing, must list at least one value
            empty scopes         | `{"name": "p", "scopes": [], "effect": "permit", "condition": "true"}`                                    | policies[0].scopes: must list at least one value
            clients not a list   | `{"name": "p", "scopes": ["s"], "clients": "demo-spa", "effect": "permit", "condition": "true"}`          | policies[0].clients: must be a list of strings
            bad effect           | `{"name": "p", "scopes": ["s"], "effect": "allow", "condition": "true"}`                                  | policies[0].effect: must be "permit" or "deny", was "allow"
            bad onDeny           | `{"name": "p", "scopes": ["s"], "effect": "deny", "condition": "true", "onDeny": "block"}`                | policies[0].onDeny: must be "drop" or "refuse", was "block"
            misspelt onDeny      | `{"name": "p", "scopes": ["s"], "effect": "deny", "condition": "true", "ondeny": "refuse"}`               | policies[0].ondeny: unknown field (allowed: clients, condition, description, effect, name, onDeny, scopes)
            no condition         | `{"name": "p", "scopes": ["s"], "effect": "permit"}`                                                      | policies[0].condition: missing
            blank condition      | `{"name": "p", "scopes": ["s"], "effect": "permit", "condition": " "}`                                    | policies[0].condition: must be a non-blank string
            """)
    void parseWhenAPolicyIsMalformedThenTheExactError(String label, String policy, String error) {
        PolicyDocumentException thrown = catchThrowableOfType(
                PolicyDocumentException.class, () -> PolicyDocumentParser.parse(withPolicy(policy)));

        assertThat(thrown).as(label).isNotNull();
        assertThat(thrown.errors()).containsExactly(error);
    }

    @Test
    void parseWhenTwoPoliciesShareANameThenTheSecondIsNamed() {
        String policy = "{\"name\": \"p\", \"scopes\": [\"s\"], \"effect\": \"permit\", \"condition\": \"true\"}";

        PolicyDocumentException thrown = catchThrowableOfType(
                PolicyDocumentException.class, () -> PolicyDocumentParser.parse(withPolicy(policy + "," + policy)));

        assertThat(thrown.errors()).containsExactly("policies[1].name: \"p\" is used by an earlier policy");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            syntax error        | `user.emailVerified &&`                  | policies[0].condition: line 1, column 22: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}
            unknown variable    | `user.department == 'sales'`             | policies[0].condition: line 1, column 1: undeclared reference to 'user' (in container '')
            not a boolean       | `user.realmRoles`                        | policies[0].condition: line 1, column 5: expected type 'bool' but found 'list(string)'
            type mismatch       | `user.emailVerified == 'yes'`            | policies[0].condition: line 1, column 20: found no matching overload for '_==_' applied to '(bool, string)' (candidates: (%A0, %A0))
            second line         | `user.emailVerified &&\\n  auth.time > 'x'` | policies[0].condition: line 2, column 13: found no matching overload for '_>_' applied to '(int, string)' (candidates: (bool, bool),(int, int),(uint, uint),(double, double),(string, string),(bytes, bytes),(google.protobuf.Timestamp, google.protobuf.Timestamp),(google.protobuf.Duration, google.protobuf.Duration),(int, uint),(uint, int),(int, double),(double, int),(uint, double),(double, uint))
            computed attribute  | `user.attributes[request.grantType] == ['x']` | policies[0].condition: reads user.attributes with a computed key or as a whole; name each attribute literally (user.attributes.name or user.attributes['name']) so that it can be checked
            attributes as whole | `user.attributes.exists(k, k == 'x')`     | policies[0].condition: reads user.attributes with a computed key or as a whole; name each attribute literally (user.attributes.name or user.attributes['name']) so that it can be checked
            """)
    void compileWhenAConditionIsInvalidThenLineAndColumn(String label, String condition, String error)
            throws Exception {
        PolicyDocument document = PolicyDocumentParser.parse(
                withPolicy("{\"name\": \"p\", \"scopes\": [\"s\"], \"effect\": \"permit\", \"condition\": \""
                        + condition.replace("'", "'") + "\"}"));

        PolicyDocumentException thrown =
                catchThrowableOfType(PolicyDocumentException.class, () -> PolicyCompiler.compile(document));

        assertThat(thrown).as(label).isNotNull();
        assertThat(thrown.errors()).containsExactly(error);
    }

    @Test
    void trustWhenAConditionReadsAUserEditableAttributeThenRefusedNamingIt() throws Exception {
        UPConfig profile = new UPConfig();
        profile.addOrReplaceAttribute(attribute("department", "admin"));
        profile.addOrReplaceAttribute(attribute("nickname", "admin", "user"));
        CompiledPolicies policies = PolicyCompiler.compile(
                PolicyDocumentParser.parse(
                        withPolicy(
                                "{\"name\": \"p\", \"scopes\": [\"s\"], \"effect\": \"permit\", "
                                        + "\"condition\": \"user.attributes.department == ['sales'] || user.attributes['nickname'] == ['boss']\"}")));

        List<String> errors = AttributeTrust.untrusted(profile, PolicyCompiler.userAttributesRead(policies));

        assertThat(errors)
                .containsExactly(
                        "policy \"p\" reads user attribute 'nickname', which users can edit themselves "
                                + "(user profile: edit permission includes user): only attributes users cannot edit may decide access");
    }

    @Test
    void trustWhenUnmanagedAttributesAreUserEditableThenAnUndeclaredAttributeIsRefused() {
        UPConfig profile = new UPConfig();
        profile.setUnmanagedAttributePolicy(UPConfig.UnmanagedAttributePolicy.ENABLED);

        assertThat(AttributeTrust.untrusted(profile, Map.of("p", Set.of("level"))))
                .containsExactly("policy \"p\" reads user "
                        + "attribute 'level', which users can edit themselves (not in the user profile, and unmanaged attributes are "
                        + "editable by users): only attributes users cannot edit may decide access");
        profile.setUnmanagedAttributePolicy(UPConfig.UnmanagedAttributePolicy.ADMIN_EDIT);
        assertThat(AttributeTrust.untrusted(profile, Map.of("p", Set.of("level"))))
                .isEmpty();
    }

    @Test
    void demoDocumentWhenShippedThenCompilesAndEqualsTheDemoRealmsAttribute() throws Exception {
        String file = Files.readString(REALM_CONFIG.resolve("abac/apiguard-demo-policies.json"));
        ObjectMapper json = new ObjectMapper();
        JsonNode realm =
                json.readTree(REALM_CONFIG.resolve("apiguard-demo.json").toFile());

        CompiledPolicies compiled = PolicyCompiler.compile(PolicyDocumentParser.parse(file));

        assertThat(compiled.document().protectedScopes())
                .containsExactlyInAnyOrder("orders:read", "orders:write", "orders:admin");
        assertThat(json.readTree(
                        realm.get("attributes").get(PolicyStore.ATTRIBUTE).asText()))
                .isEqualTo(json.readTree(file));
        assertThat(PolicyCompiler.userAttributesRead(compiled).values().stream().flatMap(Set::stream))
                .containsOnly("department");
    }

    private static UPAttribute attribute(String name, String... editors) {
        UPAttribute attribute = new UPAttribute(name);
        attribute.setPermissions(new UPAttributePermissions(Set.of("admin", "user"), Set.of(editors)));
        return attribute;
    }
}
