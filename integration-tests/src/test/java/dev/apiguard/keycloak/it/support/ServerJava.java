package dev.apiguard.keycloak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the JDK that runs a Keycloak server the harness starts itself, the way {@code ./apiguard}
 * finds it: {@code APIGUARD_JAVA_HOME}, then {@code JAVA_HOME}, when one is Java 21 or newer;
 * otherwise the newest JDK 21+ under the usual JDK folders; then the test JVM's own when it is 21+.
 * Keycloak 26.7 supports Java 21 or newer, so nothing older is taken.
 */
final class ServerJava {

    static final int MINIMUM_VERSION = 21;
    private static final Pattern RELEASE_VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);

    private ServerJava() {}

    /** The home of a JDK 21+ (it has {@code bin/java} and {@code bin/keytool}), or an error that says what to install. */
    static Path home() {
        List<Path> explicit = new ArrayList<>();
        for (String variable : List.of("APIGUARD_JAVA_HOME", "JAVA_HOME")) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                explicit.add(Path.of(value));
            }
        }
        for (Path candidate : explicit) {
            if (featureVersion(candidate).orElse(0) >= MINIMUM_VERSION) {
                return candidate;
            }
        }
        Path best = null;
        int bestVersion = 0;
        for (Path folder : List.of(Path.of("/usr/lib/jvm"), Path.of("/usr/java"), Path.of("/opt/java"))) {
            for (Path candidate : children(folder)) {
                int version = Files.isSymbolicLink(candidate)
                        ? 0
                        : featureVersion(candidate).orElse(0);
                if (version >= MINIMUM_VERSION && version > bestVersion) {
                    best = candidate;
                    bestVersion = version;
                }
            }
        }
        if (best != null) {
            return best;
        }
        Path own = Path.of(System.getProperty("java.home"));
        if (Runtime.version().feature() >= MINIMUM_VERSION && Files.isExecutable(own.resolve("bin/keytool"))) {
            return own;
        }
        throw new IllegalStateException("no JDK " + MINIMUM_VERSION + " or newer to run Keycloak: install one"
                + " (Debian: apt-get install openjdk-21-jdk-headless) or set APIGUARD_JAVA_HOME to it");
    }

    /** The feature version (17, 21, 25, ...) of the JDK at {@code home}, from its {@code release} file. */
    static Optional<Integer> featureVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isExecutable(home.resolve("bin/java")) || !Files.isRegularFile(release)) {
            return Optional.empty();
        }
        try {
            Matcher matcher = RELEASE_VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
            return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + release, e);
        }
    }

    private static List<Path> children(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }
}
