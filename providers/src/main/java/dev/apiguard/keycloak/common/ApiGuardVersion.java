package dev.apiguard.keycloak.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this extension and of the Keycloak it was built against, read once from the
 * {@code apiguard-version.properties} resource that the build writes.
 */
public final class ApiGuardVersion {

    private static final String RESOURCE = "/apiguard-version.properties";

    private static final ApiGuardVersion CURRENT = load();

    private final String version;
    private final String keycloakVersion;

    private ApiGuardVersion(String version, String keycloakVersion) {
        this.version = version;
        this.keycloakVersion = keycloakVersion;
    }

    /** The version facts of the JAR this class was loaded from. */
    public static ApiGuardVersion current() {
        return CURRENT;
    }

    /** The extension's version, e.g. {@code 0.1.0}. */
    public String version() {
        return version;
    }

    /** The Keycloak version the extension was built and tested against. */
    public String keycloakVersion() {
        return keycloakVersion;
    }

    private static ApiGuardVersion load() {
        Properties properties = new Properties();
        try (InputStream in = ApiGuardVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + RESOURCE + " is missing from the API Guard JAR");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE + " from the API Guard JAR", e);
        }
        return new ApiGuardVersion(required(properties, "version"), required(properties, "keycloak.version"));
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new IllegalStateException("Property '" + key + "' of " + RESOURCE + " was not set by the build");
        }
        return value;
    }
}
