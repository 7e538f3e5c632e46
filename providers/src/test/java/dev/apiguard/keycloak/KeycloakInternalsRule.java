package dev.apiguard.keycloak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which Keycloak types API Guard's code may use outside the adapter package
 * {@code dev.apiguard.keycloak.kc}: Keycloak's public API. Everything else of Keycloak (its
 * internals) is reachable only through that package. The rule reads Java sources (imports, static
 * imports, fully qualified names in code; comments are skipped) and finds for each Keycloak type
 * the JAR it is loaded from.
 *
 * <p>Public API, and why:
 * <ul>
 *   <li>every type of {@code keycloak-core}, {@code keycloak-common} and {@code keycloak-server-spi}:
 *       the artifacts Keycloak publishes as its SPI (representations, tokens, models, provider
 *       interfaces);</li>
 *   <li>from {@code keycloak-server-spi-private} and {@code keycloak-services}, only {@link #SPI}: the
 *       interfaces (and documented base classes) an extension must implement to plug into the SPIs
 *       API Guard uses (client-policy executors and conditions, required actions, protocol mappers,
 *       well-known providers, admin realm resources, key providers, the timer, server info), the event API (no
 *       public alternative exists for login and admin events) and constant holders Keycloak's
 *       extensions are expected to reuse ({@code Constants}, {@code OIDCConfigAttributes},
 *       {@code Errors}, {@code Details});</li>
 *   <li>{@link #SIGNATURE_ONLY}: types that appear in a public SPI method's signature; a class may
 *       import them only if it implements that SPI (and hands them on to the adapter).</li>
 * </ul>
 */
public final class KeycloakInternalsRule {

    /** The adapter package: the only one allowed to use Keycloak internals. */
    public static final String ADAPTER = "dev/apiguard/keycloak/kc/";

    static final Set<String> PUBLIC_ARTIFACTS = Set.of("keycloak-core", "keycloak-common", "keycloak-server-spi");

    static final Set<String> SPI = Set.of(
            // client policies (executors, conditions)
            "org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider",
            "org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory",
            "org.keycloak.services.clientpolicy.condition.ClientPolicyConditionProvider",
            "org.keycloak.services.clientpolicy.condition.ClientPolicyConditionProviderFactory",
            "org.keycloak.services.clientpolicy.condition.AbstractClientPolicyConditionProvider",
            "org.keycloak.services.clientpolicy.condition.AbstractClientPolicyConditionProviderFactory",
            "org.keycloak.services.clientpolicy.ClientPolicyVote",
            // required actions
            "org.keycloak.authentication.RequiredActionProvider",
            "org.keycloak.authentication.RequiredActionFactory",
            "org.keycloak.authentication.RequiredActionContext",
            // protocol mappers
            "org.keycloak.protocol.ProtocolMapper",
            "org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper",
            "org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper",
            // discovery
            "org.keycloak.wellknown.WellKnownProvider",
            "org.keycloak.wellknown.WellKnownProviderFactory",
            // admin REST extensions
            "org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider",
            "org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory",
            // keys (the component provider type of a realm's key components)
            "org.keycloak.keys.KeyProvider",
            "org.keycloak.keys.KeyProviderFactory",
            // scheduled tasks, server info
            "org.keycloak.timer.TimerProvider",
            "org.keycloak.timer.ScheduledTask",
            "org.keycloak.provider.ServerInfoAwareProviderFactory",
            // events
            "org.keycloak.events.EventBuilder",
            "org.keycloak.events.Event",
            "org.keycloak.events.EventListenerProvider",
            "org.keycloak.events.EventListenerProviderFactory",
            "org.keycloak.events.EventType",
            "org.keycloak.events.Details",
            "org.keycloak.events.Errors",
            "org.keycloak.events.admin.AdminEvent",
            "org.keycloak.events.admin.AuthDetails",
            "org.keycloak.events.admin.OperationType",
            "org.keycloak.events.admin.ResourceType",
            // constants
            "org.keycloak.models.Constants",
            "org.keycloak.protocol.oidc.OIDCConfigAttributes");

    /** Type: the SPI interface a class must implement to import it. */
    static final Map<String, String> SIGNATURE_ONLY = Map.of(
            "org.keycloak.services.resources.admin.AdminEventBuilder", "AdminRealmResourceProvider",
            "org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator", "AdminRealmResourceProvider");

    private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);
    private static final Pattern STRINGS = Pattern.compile("\"(?:\\\\.|[^\"\\\\\\n])*\"");
    private static final Pattern KEYCLOAK_TYPE =
            Pattern.compile("\\borg\\.keycloak(?:\\.[a-z_][a-z0-9_]*)+\\.(?:[A-Z][A-Za-z0-9_]*|\\*)");

    private KeycloakInternalsRule() {}

    /** Every use of a Keycloak internal in the Java sources under {@code root} outside the adapter package, as "file: type". */
    public static List<String> violations(Path root) {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                if (relative.startsWith(ADAPTER)) {
                    continue;
                }
                String code = code(Files.readString(file, StandardCharsets.UTF_8));
                for (String type : keycloakTypes(code)) {
                    if (!allowed(type, code)) {
                        violations.add(relative + ": " + type);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return violations;
    }

    /** The source without comments and string literals. */
    static String code(String source) {
        return STRINGS.matcher(COMMENTS.matcher(source).replaceAll(" ")).replaceAll("\"\"");
    }

    static Set<String> keycloakTypes(String code) {
        Set<String> types = new TreeSet<>();
        Matcher matcher = KEYCLOAK_TYPE.matcher(code);
        while (matcher.find()) {
            types.add(matcher.group());
        }
        return types;
    }

    static boolean allowed(String type, String code) {
        if (type.endsWith(".*")) {
            return false; // a wildcard hides what is used: name the types
        }
        if (SPI.contains(type)) {
            return true;
        }
        String spi = SIGNATURE_ONLY.get(type);
        if (spi != null) {
            return Pattern.compile("\\bimplements\\b[^{]*\\b" + spi + "\\b")
                    .matcher(code)
                    .find();
        }
        return PUBLIC_ARTIFACTS.contains(artifactOf(type));
    }

    /** The artifact id of the JAR {@code type} is loaded from (version stripped), or "unknown". */
    static String artifactOf(String type) {
        try {
            Class<?> loaded = Class.forName(type, false, KeycloakInternalsRule.class.getClassLoader());
            CodeSource source = loaded.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            if (location == null) {
                return "unknown";
            }
            String jar = Path.of(location.getPath()).getFileName().toString();
            return jar.replaceFirst("-\\d[^/]*\\.jar$", "");
        } catch (ClassNotFoundException | LinkageError e) {
            // Not on the compile classpath: not something API Guard may rely on.
            return "unknown";
        }
    }
}
