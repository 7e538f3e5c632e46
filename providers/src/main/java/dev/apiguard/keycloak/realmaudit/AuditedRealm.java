package dev.apiguard.keycloak.realmaudit;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.keycloak.representations.idm.AuthenticationExecutionExportRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ComponentExportRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;

/**
 * One realm representation (the export format) with the lookups the checks share: clients with
 * their JSON paths, attribute access with Keycloak's defaults, secret classification, loopback
 * detection, effective administrator roles, and the second-factor analysis of flows. Read-only:
 * it never changes the representation.
 */
public final class AuditedRealm {

    /** Keycloak's masked value in partial exports and admin API answers. */
    static final String MASKED = "**********";

    /** An environment placeholder without default, as realm-config uses, or a vault reference. */
    private static final Pattern EXTERNALIZED =
            Pattern.compile("^\\$\\{(?:env\\.)?[A-Z_][A-Z0-9_]*}$|^\\$\\{vault\\.[^}]+}$");

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");

    /** Keycloak's key provider component type and user storage component type. */
    static final String KEY_PROVIDER = "org.keycloak.keys.KeyProvider";

    static final String USER_STORAGE = "org.keycloak.storage.UserStorageProvider";

    /** Authenticators that verify a second factor (possession or inherence). */
    static final Set<String> SECOND_FACTOR = Set.of(
            "auth-otp-form",
            "webauthn-authenticator",
            "webauthn-authenticator-passwordless",
            "auth-recovery-authn-code-form",
            "direct-grant-validate-otp",
            "auth-conditional-otp-form",
            "auth-x509-client-username-form");

    /** Authenticators that verify a password. */
    static final Set<String> PASSWORD =
            Set.of("auth-username-password-form", "auth-password-form", "direct-grant-validate-password");

    /** Executions that neither add nor remove a factor (SSO cookie, redirect to an identity provider). */
    private static final Set<String> NEUTRAL = Set.of("auth-cookie", "identity-provider-redirector", "auth-spnego");

    private static final Set<String> OPERATOR_CLIENTS =
            Set.of("security-admin-console", "admin-cli", "account", "account-console", "broker", "realm-management");

    private final RealmRepresentation rep;
    private final Instant now;
    private final List<Indexed<ClientRepresentation>> clients;
    private final Map<String, RoleRepresentation> realmRoles = new HashMap<>();
    private final Map<String, Map<String, RoleRepresentation>> clientRoles = new HashMap<>();
    private final Map<String, AuthenticationFlowRepresentation> flows = new HashMap<>();

    AuditedRealm(RealmRepresentation rep, Instant now) {
        this.rep = Objects.requireNonNull(rep, "rep");
        this.now = Objects.requireNonNull(now, "now");
        List<Indexed<ClientRepresentation>> list = new ArrayList<>();
        if (rep.getClients() != null) {
            for (int i = 0; i < rep.getClients().size(); i++) {
                ClientRepresentation client = rep.getClients().get(i);
                if (client != null) {
                    list.add(new Indexed<>(i, client, "$.clients[" + i + "]"));
                }
            }
        }
        this.clients = List.copyOf(list);
        if (rep.getRoles() != null) {
            if (rep.getRoles().getRealm() != null) {
                rep.getRoles().getRealm().forEach(role -> realmRoles.put(role.getName(), role));
            }
            if (rep.getRoles().getClient() != null) {
                rep.getRoles().getClient().forEach((clientId, roles) -> {
                    Map<String, RoleRepresentation> byName = new HashMap<>();
                    if (roles != null) {
                        roles.forEach(role -> byName.put(role.getName(), role));
                    }
                    clientRoles.put(clientId, byName);
                });
            }
        }
        if (rep.getAuthenticationFlows() != null) {
            rep.getAuthenticationFlows().forEach(flow -> flows.put(flow.getAlias(), flow));
        }
    }

    /** An element of a list with its index and JSON path. */
    public record Indexed<T>(int index, T value, String path) {}

    public RealmRepresentation rep() {
        return rep;
    }

    public String name() {
        return rep.getRealm() == null ? "" : rep.getRealm();
    }

    public Instant now() {
        return now;
    }

    // ------------------------------------------------------------------ clients

    public List<Indexed<ClientRepresentation>> clients() {
        return clients;
    }

    /** Enabled OpenID Connect clients (protocol absent means OpenID Connect). */
    public List<Indexed<ClientRepresentation>> oidcClients() {
        return clients.stream()
                .filter(c -> !Boolean.FALSE.equals(c.value().isEnabled()))
                .filter(c -> c.value().getProtocol() == null
                        || "openid-connect".equals(c.value().getProtocol()))
                .toList();
    }

    /** Enabled OpenID Connect clients other than Keycloak's own operator clients. */
    public List<Indexed<ClientRepresentation>> applicationClients() {
        return oidcClients().stream()
                .filter(c -> !isOperatorClient(c.value().getClientId()))
                .toList();
    }

    /** Enabled SAML clients. */
    public List<Indexed<ClientRepresentation>> samlClients() {
        return clients.stream()
                .filter(c -> !Boolean.FALSE.equals(c.value().isEnabled()))
                .filter(c -> "saml".equals(c.value().getProtocol()))
                .toList();
    }

    /** Keycloak's own clients (admin console, admin-cli, account console, broker, realm management). */
    public boolean isOperatorClient(String clientId) {
        if (clientId == null) {
            return false;
        }
        return OPERATOR_CLIENTS.contains(clientId) || ("master".equals(name()) && clientId.endsWith("-realm"));
    }

    /** Whether a client id names a realm-management client (the one whose roles administer a realm). */
    public boolean isAdminClient(String clientId) {
        return "realm-management".equals(clientId)
                || ("master".equals(name()) && clientId != null && clientId.endsWith("-realm"));
    }

    public static String target(ClientRepresentation client) {
        return "client:" + client.getClientId();
    }

    public static String attribute(ClientRepresentation client, String name) {
        return client.getAttributes() == null ? null : client.getAttributes().get(name);
    }

    /** Null-safe membership ({@code Set.of(...).contains(null)} throws). */
    public static boolean in(Set<String> set, String value) {
        return value != null && set.contains(value);
    }

    public static boolean isOn(Boolean value) {
        return Boolean.TRUE.equals(value);
    }

    public static boolean isTrue(String value) {
        return value != null && "true".equalsIgnoreCase(value.trim());
    }

    /** Whether the client is confidential (not public, not bearer-only). */
    public static boolean isConfidential(ClientRepresentation client) {
        return !isOn(client.isPublicClient()) && !isOn(client.isBearerOnly());
    }

    /** Standard flow is on unless set to false (Keycloak's default is on). */
    public static boolean standardFlow(ClientRepresentation client) {
        return !Boolean.FALSE.equals(client.isStandardFlowEnabled()) && !isOn(client.isBearerOnly());
    }

    // ------------------------------------------------------------------ values

    /** How a secret-bearing value is stored in the representation. */
    public enum SecretForm {
        ABSENT,
        EXTERNALIZED,
        MASKED,
        LITERAL
    }

    /**
     * {@code ${ENV}} (realm-config's placeholders) and {@code ${vault.key}} are externalized;
     * {@code **********} is Keycloak's mask; anything else, a placeholder with a default included,
     * is a literal secret.
     */
    public static SecretForm secretForm(String value) {
        if (value == null || value.isEmpty()) {
            return SecretForm.ABSENT;
        }
        if (MASKED.equals(value)) {
            return SecretForm.MASKED;
        }
        return EXTERNALIZED.matcher(value).matches() ? SecretForm.EXTERNALIZED : SecretForm.LITERAL;
    }

    public static boolean isLiteralSecret(String value) {
        return secretForm(value) == SecretForm.LITERAL;
    }

    /** The realm attribute, or {@code null}. */
    public String realmAttribute(String name) {
        return rep.getAttributes() == null ? null : rep.getAttributes().get(name);
    }

    /** Reads whole seconds; {@code fallback} when absent or not a number. */
    public static long seconds(String value, long fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    public static long orDefault(Integer value, long fallback) {
        return value == null ? fallback : value;
    }

    /** {@code http://} to a loopback address or {@code localhost} (RFC 8252 7.3). */
    public static boolean isLoopbackHttp(String uri) {
        String host = hostOf(uri);
        if (host == null) {
            return false;
        }
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    /** The URI's scheme in lower case, or {@code null} when it has none. */
    public static String schemeOf(String uri) {
        int colon = uri == null ? -1 : uri.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String scheme = uri.substring(0, colon);
        return SCHEME.matcher(scheme).matches() ? scheme.toLowerCase(Locale.ROOT) : null;
    }

    /** {@code http://} anywhere but loopback. */
    public static boolean isPlainHttpOffLoopback(String uri) {
        return "http".equals(schemeOf(uri)) && !isLoopbackHttp(uri);
    }

    static String hostOf(String uri) {
        if (uri == null) {
            return null;
        }
        try {
            String host = new URI(uri.replace("*", "x")).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ components

    /** Components of one type with their JSON paths. */
    public List<Indexed<ComponentExportRepresentation>> components(String type) {
        if (rep.getComponents() == null || rep.getComponents().get(type) == null) {
            return List.of();
        }
        List<ComponentExportRepresentation> list = rep.getComponents().get(type);
        List<Indexed<ComponentExportRepresentation>> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            result.add(new Indexed<>(i, list.get(i), "$.components['" + type + "'][" + i + "]"));
        }
        return result;
    }

    /** First value of a component's config entry, or {@code null}. */
    public static String config(ComponentExportRepresentation component, String key) {
        if (component.getConfig() == null) {
            return null;
        }
        List<String> values = component.getConfig().get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public static boolean componentEnabled(ComponentExportRepresentation component) {
        String enabled = config(component, "enabled");
        return enabled == null || isTrue(enabled);
    }

    public static String componentTarget(ComponentExportRepresentation component) {
        return "component:" + (component.getName() != null ? component.getName() : component.getProviderId());
    }

    // ------------------------------------------------------------------ roles

    /**
     * The realm-management roles (as {@code client/role}) reached from these realm and client
     * roles through composites; empty when none.
     */
    public Set<String> adminRolesReached(
            Collection<String> realmRoleNames, Map<String, ? extends Collection<String>> clientRoleNames) {
        Set<String> admin = new TreeSet<>();
        Set<String> seen = new HashSet<>();
        Deque<String[]> work = new ArrayDeque<>();
        if (realmRoleNames != null) {
            realmRoleNames.forEach(role -> work.push(new String[] {null, role}));
        }
        if (clientRoleNames != null) {
            clientRoleNames.forEach((client, roles) -> {
                if (roles != null) {
                    roles.forEach(role -> work.push(new String[] {client, role}));
                }
            });
        }
        while (!work.isEmpty()) {
            String[] next = work.pop();
            String key = next[0] + "/" + next[1];
            if (!seen.add(key)) {
                continue;
            }
            RoleRepresentation role;
            if (next[0] == null) {
                role = realmRoles.get(next[1]);
            } else {
                if (isAdminClient(next[0])) {
                    admin.add(key);
                }
                role = clientRoles.getOrDefault(next[0], Map.of()).get(next[1]);
            }
            if (role != null && role.getComposites() != null) {
                RoleRepresentation.Composites composites = role.getComposites();
                if (composites.getRealm() != null) {
                    composites.getRealm().forEach(r -> work.push(new String[] {null, r}));
                }
                if (composites.getClient() != null) {
                    composites.getClient().forEach((client, roles) -> {
                        if (roles != null) {
                            roles.forEach(r -> work.push(new String[] {client, r}));
                        }
                    });
                }
            }
        }
        return admin;
    }

    /** The realm roles declared in the representation, with their JSON paths. */
    public List<Indexed<RoleRepresentation>> declaredRealmRoles() {
        if (rep.getRoles() == null || rep.getRoles().getRealm() == null) {
            return List.of();
        }
        List<RoleRepresentation> list = rep.getRoles().getRealm();
        List<Indexed<RoleRepresentation>> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            result.add(new Indexed<>(i, list.get(i), "$.roles.realm[" + i + "]"));
        }
        return result;
    }

    /** The default role's name: {@code defaultRole.name}, else {@code default-roles-<realm>}. */
    public String defaultRoleName() {
        if (rep.getDefaultRole() != null && rep.getDefaultRole().getName() != null) {
            return rep.getDefaultRole().getName();
        }
        return "default-roles-" + name().toLowerCase(Locale.ROOT);
    }

    /** Every group, nested ones included, with its JSON path. */
    public void forEachGroup(BiConsumer<GroupRepresentation, String> action) {
        if (rep.getGroups() != null) {
            walkGroups(rep.getGroups(), "$.groups", action);
        }
    }

    private static void walkGroups(
            List<GroupRepresentation> groups, String path, BiConsumer<GroupRepresentation, String> action) {
        for (int i = 0; i < groups.size(); i++) {
            GroupRepresentation group = groups.get(i);
            String here = path + "[" + i + "]";
            action.accept(group, here);
            if (group.getSubGroups() != null) {
                walkGroups(group.getSubGroups(), here + ".subGroups", action);
            }
        }
    }

    /** Whether any role, group or user in the representation grants realm-management roles, or this is the master realm. */
    public boolean hasAdministrators() {
        if ("master".equals(name())) {
            return true;
        }
        for (Indexed<RoleRepresentation> role : declaredRealmRoles()) {
            if (!adminRolesReached(List.of(role.value().getName()), Map.of()).isEmpty()) {
                return true;
            }
        }
        boolean[] found = {false};
        forEachGroup((group, path) -> {
            if (!adminRolesReached(group.getRealmRoles(), group.getClientRoles())
                    .isEmpty()) {
                found[0] = true;
            }
        });
        if (found[0]) {
            return true;
        }
        return rep.getUsers() != null
                && rep.getUsers().stream()
                        .filter(user -> user.getServiceAccountClientId() == null)
                        .anyMatch(user -> !adminRolesReached(user.getRealmRoles(), user.getClientRoles())
                                .isEmpty());
    }

    // ------------------------------------------------------------------ flows

    /** The flow with this alias: from the representation, else Keycloak's built-in default of that name, else {@code null}. */
    public AuthenticationFlowRepresentation flow(String alias) {
        if (alias == null) {
            return null;
        }
        AuthenticationFlowRepresentation flow = flows.get(alias);
        return flow != null || !flows.isEmpty() ? flow : KeycloakDefaultFlows.get(alias);
    }

    /** The JSON path of a flow, or of {@code authenticationFlows} when Keycloak's default is meant. */
    public String flowPath(String alias) {
        if (rep.getAuthenticationFlows() != null) {
            for (int i = 0; i < rep.getAuthenticationFlows().size(); i++) {
                if (Objects.equals(alias, rep.getAuthenticationFlows().get(i).getAlias())) {
                    return "$.authenticationFlows[" + i + "]";
                }
            }
        }
        return "$";
    }

    public String browserFlowAlias() {
        return rep.getBrowserFlow() != null ? rep.getBrowserFlow() : "browser";
    }

    public String resetCredentialsFlowAlias() {
        return rep.getResetCredentialsFlow() != null ? rep.getResetCredentialsFlow() : "reset credentials";
    }

    public String directGrantFlowAlias() {
        return rep.getDirectGrantFlow() != null ? rep.getDirectGrantFlow() : "direct grant";
    }

    public String firstBrokerLoginFlowAlias() {
        return rep.getFirstBrokerLoginFlow() != null ? rep.getFirstBrokerLoginFlow() : "first broker login";
    }

    static boolean enabled(AuthenticationExecutionExportRepresentation execution) {
        return execution.getRequirement() != null && !"DISABLED".equals(execution.getRequirement());
    }

    static boolean isCondition(AuthenticationExecutionExportRepresentation execution) {
        return execution.getAuthenticator() != null
                && execution.getAuthenticator().startsWith("conditional-");
    }

    /**
     * Whether every way through the flow verifies a second factor. A conditional sub-flow counts
     * only when {@code roleConditionCounts} and its condition is a user role (a rule that targets
     * some users, such as administrators); "user configured" and level-of-authentication
     * conditions let a user pass without one.
     */
    public boolean guaranteesSecondFactor(String alias, boolean roleConditionCounts) {
        return guarantees(flow(alias), roleConditionCounts, new HashSet<>());
    }

    private boolean guarantees(
            AuthenticationFlowRepresentation flow, boolean roleConditionCounts, Set<String> visiting) {
        if (flow == null || flow.getAuthenticationExecutions() == null || !visiting.add(flow.getAlias())) {
            return false;
        }
        try {
            List<AuthenticationExecutionExportRepresentation> required = new ArrayList<>();
            List<AuthenticationExecutionExportRepresentation> alternatives = new ArrayList<>();
            for (AuthenticationExecutionExportRepresentation execution : flow.getAuthenticationExecutions()) {
                if (!enabled(execution) || isCondition(execution)) {
                    continue;
                }
                switch (execution.getRequirement()) {
                    case "REQUIRED" -> required.add(execution);
                    case "CONDITIONAL" -> {
                        if (roleConditionCounts
                                && execution.isAuthenticatorFlow()
                                && hasCondition(flow(execution.getFlowAlias()), "conditional-user-role")
                                && guarantees(flow(execution.getFlowAlias()), true, visiting)) {
                            return true;
                        }
                    }
                    case "ALTERNATIVE" -> alternatives.add(execution);
                    default -> {}
                }
            }
            if (!required.isEmpty()) {
                return required.stream().anyMatch(e -> guaranteesOne(e, roleConditionCounts, visiting));
            }
            List<AuthenticationExecutionExportRepresentation> counted = alternatives.stream()
                    .filter(e -> e.isAuthenticatorFlow() || !in(NEUTRAL, e.getAuthenticator()))
                    .toList();
            return !counted.isEmpty()
                    && counted.stream().allMatch(e -> guaranteesOne(e, roleConditionCounts, visiting));
        } finally {
            visiting.remove(flow.getAlias());
        }
    }

    private boolean guaranteesOne(
            AuthenticationExecutionExportRepresentation execution, boolean roleConditionCounts, Set<String> visiting) {
        if (execution.isAuthenticatorFlow()) {
            return guarantees(flow(execution.getFlowAlias()), roleConditionCounts, visiting);
        }
        return in(SECOND_FACTOR, execution.getAuthenticator());
    }

    static boolean hasCondition(AuthenticationFlowRepresentation flow, String condition) {
        return flow != null
                && flow.getAuthenticationExecutions() != null
                && flow.getAuthenticationExecutions().stream()
                        .anyMatch(e -> enabled(e) && condition.equals(e.getAuthenticator()));
    }

    /** Every enabled execution reachable from the flow (sub-flows expanded), each with the flow that holds it. */
    public List<FlowStep> steps(String alias) {
        List<FlowStep> steps = new ArrayList<>();
        collect(flow(alias), steps, new LinkedHashSet<>());
        return steps;
    }

    /** One execution and the flow it sits in. */
    public record FlowStep(
            AuthenticationFlowRepresentation flow, AuthenticationExecutionExportRepresentation execution) {}

    private void collect(AuthenticationFlowRepresentation flow, List<FlowStep> steps, Set<String> visiting) {
        if (flow == null || flow.getAuthenticationExecutions() == null || !visiting.add(flow.getAlias())) {
            return;
        }
        for (AuthenticationExecutionExportRepresentation execution : flow.getAuthenticationExecutions()) {
            if (!enabled(execution)) {
                continue;
            }
            steps.add(new FlowStep(flow, execution));
            if (execution.isAuthenticatorFlow()) {
                collect(flow(execution.getFlowAlias()), steps, visiting);
            }
        }
        visiting.remove(flow.getAlias());
    }

    /** Whether the flow (sub-flows included) contains an enabled execution of one of these authenticators. */
    public boolean contains(String alias, Set<String> authenticators) {
        return steps(alias).stream()
                .anyMatch(s -> in(authenticators, s.execution().getAuthenticator()));
    }

    /** Every flow declared in the representation, with its JSON path. */
    public List<Indexed<AuthenticationFlowRepresentation>> declaredFlows() {
        if (rep.getAuthenticationFlows() == null) {
            return List.of();
        }
        List<Indexed<AuthenticationFlowRepresentation>> result = new ArrayList<>();
        for (int i = 0; i < rep.getAuthenticationFlows().size(); i++) {
            result.add(new Indexed<>(i, rep.getAuthenticationFlows().get(i), "$.authenticationFlows[" + i + "]"));
        }
        return result;
    }

    /**
     * The flows that can run: the realm's bindings, clients' flow overrides, identity providers'
     * login flows, and Keycloak's {@code saml ecp} flow when a SAML client allows ECP.
     */
    public Set<String> reachableFlows() {
        Set<String> flows = new LinkedHashSet<>(boundFlows());
        for (Indexed<ClientRepresentation> client : clients) {
            if (client.value().getAuthenticationFlowBindingOverrides() != null) {
                client.value().getAuthenticationFlowBindingOverrides().values().forEach(id -> {
                    // Overrides name flows by id; an export keeps the id on each flow.
                    if (rep.getAuthenticationFlows() != null) {
                        rep.getAuthenticationFlows().stream()
                                .filter(f -> Objects.equals(id, f.getId()) || Objects.equals(id, f.getAlias()))
                                .forEach(f -> flows.add(f.getAlias()));
                    }
                });
            }
            if ("saml".equals(client.value().getProtocol())
                    && isTrue(attribute(client.value(), "saml.allow.ecp.flow"))) {
                flows.add("saml ecp");
            }
        }
        if (rep.getIdentityProviders() != null) {
            rep.getIdentityProviders().forEach(p -> {
                if (p.getFirstBrokerLoginFlowAlias() != null) {
                    flows.add(p.getFirstBrokerLoginFlowAlias());
                }
                if (p.getPostBrokerLoginFlowAlias() != null) {
                    flows.add(p.getPostBrokerLoginFlowAlias());
                }
            });
        }
        return flows;
    }

    /** The flows the realm binds (browser, direct grant, reset credentials, first broker login, ...). */
    public Set<String> boundFlows() {
        Set<String> bound = new LinkedHashSet<>();
        bound.add(browserFlowAlias());
        bound.add(directGrantFlowAlias());
        bound.add(resetCredentialsFlowAlias());
        bound.add(firstBrokerLoginFlowAlias());
        if (rep.getRegistrationFlow() != null) {
            bound.add(rep.getRegistrationFlow());
        }
        if (rep.getClientAuthenticationFlow() != null) {
            bound.add(rep.getClientAuthenticationFlow());
        }
        if (rep.getDockerAuthenticationFlow() != null) {
            bound.add(rep.getDockerAuthenticationFlow());
        }
        return bound;
    }
}
