package dev.apiguard.keycloak.common;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Keycloak versions this JAR runs on, checked once when Keycloak starts
 * ({@code ApiGuardAdminResourceProviderFactory#init}), so that an unsupported server refuses to
 * start with a message naming the supported versions instead of failing at request time.
 *
 * <ul>
 *   <li>Keycloak 26.7: supported; the versions in {@link #TESTED} are tested by every build (the
 *       full suite on the pinned one, a smoke subset on the others).</li>
 *   <li>A later 26.x: starts, with a warning that it is untested (Keycloak keeps its public SPI
 *       within a major version, but API Guard also uses some internals).</li>
 *   <li>Anything else is refused: 27 or later, an unreadable version, and 26.6 or earlier. The
 *       build checks that 26.4.7 and 26.5.6 refuse to start: their client-policy contexts lack
 *       what the executors read ({@code ClientModelContext}, {@code AuthorizationRequestContext#getClient},
 *       {@code TokenExchangeRequestContext#getClient}, {@code TokenResponseContext#getClientSession},
 *       {@code TokenRefreshResponseContext#getClientSession}) and {@code AdminEventBuilder}'s
 *       constructor that key-rotation events use is private there; 26.6 was not available to test.</li>
 * </ul>
 */
public final class KeycloakCompatibility {

    /** Distributions every build runs the JAR on (integration-tests/pom.xml). */
    public static final List<String> TESTED = List.of("26.7.0", "26.7.3");

    static final int MAJOR = 26;
    static final int LOWEST_MINOR = 7;
    static final int HIGHEST_TESTED_MINOR = 7;

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");

    private KeycloakCompatibility() {}

    /** The supported range, as the refusal and the README state it. */
    public static String supported() {
        String range = LOWEST_MINOR == HIGHEST_TESTED_MINOR
                ? MAJOR + "." + LOWEST_MINOR + ".x"
                : MAJOR + "." + LOWEST_MINOR + " to " + MAJOR + "." + HIGHEST_TESTED_MINOR;
        return "Keycloak " + range + " (tested: " + String.join(", ", TESTED) + ")";
    }

    /**
     * Checks {@code keycloakVersion} (Keycloak's {@code Version.VERSION}).
     *
     * @return a warning to log when the version is newer than every tested one, else empty
     * @throws IllegalStateException naming the version and the supported ones when it is unsupported
     */
    public static Optional<String> check(String keycloakVersion, String apiGuardVersion) {
        Matcher matcher = VERSION.matcher(keycloakVersion == null ? "" : keycloakVersion.trim());
        if (!matcher.matches()) {
            throw refusal(keycloakVersion, apiGuardVersion, "its version cannot be read");
        }
        int major = Integer.parseInt(matcher.group(1));
        int minor = Integer.parseInt(matcher.group(2));
        if (major != MAJOR || minor < LOWEST_MINOR) {
            throw refusal(keycloakVersion, apiGuardVersion, "it is not supported");
        }
        if (minor > HIGHEST_TESTED_MINOR) {
            return Optional.of(
                    "API Guard " + apiGuardVersion + " was not tested on Keycloak " + keycloakVersion + ": it supports "
                            + supported() + ". Run its tests on this version before using it in production.");
        }
        return Optional.empty();
    }

    private static IllegalStateException refusal(String keycloakVersion, String apiGuardVersion, String why) {
        return new IllegalStateException("API Guard " + apiGuardVersion + " cannot run on Keycloak '" + keycloakVersion
                + "' (" + why + "): it supports " + supported() + ". Remove apiguard-keycloak.jar from providers/ "
                + "or install the API Guard release made for this Keycloak.");
    }
}
