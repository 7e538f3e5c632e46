package dev.apiguard.keycloak.realmconfig;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apiguard.keycloak.abac.RealmFilePolicyCheck;
import dev.apiguard.keycloak.audit.RealmFileAlertCheck;
import dev.apiguard.keycloak.keys.PolicyException;
import dev.apiguard.keycloak.keys.RotationPolicy;
import dev.apiguard.keycloak.ratelimit.RealmFileRateLimitCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ComponentExportRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Checks one realm file, as Keycloak's {@code --import-realm} would read it. The checks:
 * <ol>
 *   <li>every {@code ${NAME}} placeholder without a default names an environment variable that
 *       is set (Keycloak would import the literal text otherwise, e.g. as a password);</li>
 *   <li>the file is JSON and binds to Keycloak's {@link RealmRepresentation} with no unknown
 *       field (a misspelt security setting must not be ignored silently);</li>
 *   <li>the realm has a name;</li>
 *   <li>client secrets and user credential values are exactly one placeholder without a default,
 *       never a literal value; so are identity providers' {@code config.clientSecret}, the SMTP
 *       server's {@code password} and the {@code bindCredential} of user-storage (LDAP)
 *       components, which may also be a Keycloak vault expression {@code ${vault.KEY}};</li>
 *   <li>every role, client, client scope and client profile the file refers to is declared in
 *       it or created by Keycloak ({@link RealmReferences}): Keycloak drops a misspelt role
 *       grant or scope silently;</li>
 *   <li>an ABAC scope-policy document in the realm attribute {@code apiguard.abac.policies}
 *       parses, compiles and reads no user attribute that the file's user profile lets users
 *       edit ({@link RealmFilePolicyCheck});</li>
 *   <li>a rate-limit document in the realm attribute {@code apiguard.rateLimits} is valid and
 *       every client's tier attribute names a tier it defines ({@link RealmFileRateLimitCheck});</li>
 *   <li>an alert document in the realm attribute {@code apiguard.auditAlerts} is valid
 *       ({@link RealmFileAlertCheck});</li>
 *   <li>when the file declares client scopes, Keycloak's built-in clients are declared too and
 *       keep the {@code basic} scope ({@link BuiltInClientScopes}): Keycloak would otherwise
 *       create them with no default client scope, and the account console would fail;</li>
 *   <li>names and descriptions of roles, clients, client scopes and groups, and client ids, fit
 *       Keycloak's database columns (255 characters, {@link TextLengths}): a longer one fails the
 *       import with a database error.</li>
 * </ol>
 * Problems are reported with the place (line and column, or the object's path) and the problem;
 * no value of a placeholder or credential is ever part of a message.
 */
public final class RealmFileCheck {

    /**
     * {@code ${NAME}} or {@code ${NAME:default}} with an environment variable's conventional name
     * (upper case, digits, underscores); {@code env.} prefixes are allowed as Keycloak allows them.
     * Lower-case {@code ${...}} are theme message keys (e.g. {@code ${username}} in the user
     * profile) and are left alone, as Keycloak leaves them.
     */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(?:env\\.)?([A-Z_][A-Z0-9_]*)(:[^}]*)?}");

    /** A credential must be exactly one placeholder, and one without a default (a default is a literal secret). */
    private static final Pattern CREDENTIAL_PLACEHOLDER = Pattern.compile("^\\$\\{(?:env\\.)?[A-Z_][A-Z0-9_]*}$");

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private final Function<String, String> environment;

    /**
     * @param environment looks up an environment variable; returns {@code null} when unset
     */
    public RealmFileCheck(Function<String, String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** Checks against the process environment. */
    public static RealmFileCheck withProcessEnvironment() {
        Map<String, String> env = System.getenv();
        return new RealmFileCheck(env::get);
    }

    /**
     * Checks the content of one realm file.
     *
     * @param content the file's text
     * @return the result: the realm's name when it could be read, and every problem found
     */
    public Result check(String content) {
        Objects.requireNonNull(content, "content");
        List<String> problems = new ArrayList<>(unsetPlaceholders(content));

        RealmRepresentation realm;
        try {
            realm = mapper.readValue(content, RealmRepresentation.class);
        } catch (JsonProcessingException e) {
            problems.add(describe(e));
            return new Result(null, problems);
        }
        if (realm == null) {
            problems.add("the file holds no realm (JSON null)");
            return new Result(null, problems);
        }
        if (realm.getRealm() == null || realm.getRealm().isBlank()) {
            problems.add("field 'realm' (the realm's name) is missing or blank");
        }
        problems.addAll(literalCredentials(realm));
        problems.addAll(literalServerSecrets(realm));
        problems.addAll(RealmReferences.dangling(realm));
        problems.addAll(BuiltInClientScopes.problems(realm));
        problems.addAll(TextLengths.problems(realm));
        problems.addAll(keyRotationPolicy(realm));
        problems.addAll(RealmFilePolicyCheck.problems(realm));
        problems.addAll(RealmFileRateLimitCheck.problems(realm));
        problems.addAll(RealmFileAlertCheck.problems(realm));
        return new Result(realm.getRealm(), problems);
    }

    private List<String> unsetPlaceholders(String content) {
        List<String> problems = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(content);
        while (matcher.find()) {
            String name = matcher.group(1);
            boolean hasDefault = matcher.group(2) != null;
            if (!hasDefault && environment.apply(name) == null) {
                problems.add(String.format(
                        "line %d: placeholder ${%s} needs environment variable %s, which is not set",
                        lineOf(content, matcher.start()), name, name));
            }
        }
        return problems;
    }

    /** The key-rotation policy attribute, when present, must be a valid policy: the schedule would skip the realm. */
    private static List<String> keyRotationPolicy(RealmRepresentation realm) {
        String policy =
                realm.getAttributes() == null ? null : realm.getAttributes().get(RotationPolicy.REALM_ATTRIBUTE);
        if (policy == null) {
            return List.of();
        }
        try {
            RotationPolicy.parse(policy);
            return List.of();
        } catch (PolicyException e) {
            return e.problems().stream()
                    .map(problem -> "attribute " + RotationPolicy.REALM_ATTRIBUTE + ": " + problem)
                    .toList();
        }
    }

    private static List<String> literalCredentials(RealmRepresentation realm) {
        List<String> problems = new ArrayList<>();
        if (realm.getClients() != null) {
            for (ClientRepresentation client : realm.getClients()) {
                if (isLiteral(client.getSecret())) {
                    problems.add(String.format(
                            "clients[clientId=%s].secret is not a ${ENV_VAR} placeholder (literal values and defaults are secrets in the file)",
                            client.getClientId()));
                }
            }
        }
        if (realm.getUsers() != null) {
            for (UserRepresentation user : realm.getUsers()) {
                if (user.getCredentials() == null) {
                    continue;
                }
                for (CredentialRepresentation credential : user.getCredentials()) {
                    if (isLiteral(credential.getValue())) {
                        problems.add(String.format(
                                "users[username=%s].credentials[type=%s].value is not a ${ENV_VAR} placeholder (literal values and defaults are secrets in the file)",
                                user.getUsername(), credential.getType()));
                    }
                }
            }
        }
        return problems;
    }

    /** A vault expression ({@code ${vault.KEY}}): Keycloak resolves it from its vault at run time. */
    private static final Pattern VAULT_EXPRESSION = Pattern.compile("^\\$\\{vault\\.[^}]+}$");

    /** The component type of user-storage providers (LDAP, Kerberos, custom): their bind credential is a secret. */
    private static final String USER_STORAGE = "org.keycloak.storage.UserStorageProvider";

    private static List<String> literalServerSecrets(RealmRepresentation realm) {
        List<String> problems = new ArrayList<>();
        String rule =
                " is not a ${ENV_VAR} placeholder or ${vault.KEY} expression (literal values and defaults are secrets in the file)";
        if (realm.getIdentityProviders() != null) {
            for (IdentityProviderRepresentation provider : realm.getIdentityProviders()) {
                if (provider.getConfig() != null
                        && isLiteralServerSecret(provider.getConfig().get("clientSecret"))) {
                    problems.add("identityProviders[alias=" + provider.getAlias() + "].config.clientSecret" + rule);
                }
            }
        }
        if (realm.getSmtpServer() != null
                && isLiteralServerSecret(realm.getSmtpServer().get("password"))) {
            problems.add("smtpServer.password" + rule);
        }
        if (realm.getComponents() != null && realm.getComponents().get(USER_STORAGE) != null) {
            for (ComponentExportRepresentation component : realm.getComponents().get(USER_STORAGE)) {
                List<String> values = component.getConfig() == null
                        ? null
                        : component.getConfig().get("bindCredential");
                if (values != null && values.stream().anyMatch(RealmFileCheck::isLiteralServerSecret)) {
                    problems.add("components[" + USER_STORAGE + "][name=" + component.getName()
                            + "].config.bindCredential" + rule);
                }
            }
        }
        return problems;
    }

    private static boolean isLiteralServerSecret(String value) {
        return isLiteral(value) && !VAULT_EXPRESSION.matcher(value).matches();
    }

    private static boolean isLiteral(String value) {
        return value != null
                && !value.isEmpty()
                && !CREDENTIAL_PLACEHOLDER.matcher(value).matches();
    }

    private static String describe(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        String where = location == null
                ? ""
                : String.format("line %d, column %d: ", location.getLineNr(), location.getColumnNr());
        return where + e.getOriginalMessage();
    }

    private static int lineOf(String content, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (content.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * The outcome of checking one file.
     *
     * @param realm the realm's name, or {@code null} when the file could not be read
     * @param problems every problem found, empty when the file is fine
     */
    public record Result(String realm, List<String> problems) {

        public Result {
            problems = List.copyOf(problems);
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }
}
