package dev.apiguard.keycloak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * The H2 file database of a stopped {@code ./apiguard dev} server ({@code <data>/db/keycloakdb},
 * {@code --db=dev-file}), opened over plain JDBC with the H2 driver of the Keycloak distribution
 * that ran it: the same H2 version that wrote the file, loaded in a class loader of its own (no
 * second copy to keep in step in the pom). The run command sets no database user, so the file has
 * H2's default: an empty user name and password.
 *
 * <p>H2 locks the file while Keycloak has it open: open it only while the server is stopped.
 * {@code IFEXISTS=TRUE}: a wrong path fails instead of creating an empty database.
 */
public final class DevDatabase {

    private DevDatabase() {}

    /** A connection to the database of {@code dataDir}, through the H2 driver of {@code keycloakHome}. */
    public static Connection open(Path keycloakHome, Path dataDir) throws SQLException {
        Path file = dataDir.resolve("db").resolve("keycloakdb");
        if (!Files.exists(Path.of(file + ".mv.db"))) {
            throw new IllegalStateException("no H2 database at " + file + ".mv.db");
        }
        Properties credentials = new Properties();
        credentials.setProperty("user", "");
        credentials.setProperty("password", "");
        Connection connection =
                driver(keycloakHome).connect("jdbc:h2:file:" + file + ";NON_KEYWORDS=VALUE;IFEXISTS=TRUE", credentials);
        if (connection == null) {
            throw new IllegalStateException("the H2 driver of " + keycloakHome + " refused the URL");
        }
        return connection;
    }

    private static Driver driver(Path keycloakHome) {
        Path lib = keycloakHome.resolve("lib/lib/main");
        List<Path> jars;
        try (var files = Files.list(lib)) {
            jars = files.filter(p -> p.getFileName().toString().startsWith("com.h2database.h2-"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + lib, e);
        }
        if (jars.size() != 1) {
            throw new IllegalStateException("expected one com.h2database.h2-*.jar in " + lib + ", found " + jars);
        }
        try {
            URLClassLoader loader =
                    new URLClassLoader(new URL[] {jars.get(0).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            return (Driver) Class.forName("org.h2.Driver", true, loader)
                    .getDeclaredConstructor()
                    .newInstance();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the H2 driver from " + jars.get(0), e);
        }
    }
}
