package dev.apiguard.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import dev.apiguard.keycloak.admin.ApiGuardAdminResourceProviderFactory;
import org.junit.jupiter.api.Test;
import org.keycloak.provider.ProviderFactory;

/**
 * Loads every factory that the JAR registers in {@code META-INF/services} through
 * {@link ServiceLoader}, as Keycloak does, and checks the ids.
 */
class ProviderFactoriesTest {

    private static final String PREFIX = "apiguard";

    @Test
    void everyRegisteredFactoryLoadsAndHasAUniqueApiGuardId() throws Exception {
        List<ProviderFactory<?>> factories = loadAllRegisteredFactories();

        assertThat(factories).as("factories registered in META-INF/services").isNotEmpty();
        Set<String> seen = new HashSet<>();
        for (ProviderFactory<?> factory : factories) {
            String id = factory.getId();
            assertThat(id).as("id of %s", factory.getClass().getName()).isNotBlank().startsWith(PREFIX);
            String key = spiOf(factory) + "/" + id;
            assertThat(seen.add(key)).as("id %s registered twice for the same SPI", key).isTrue();
        }
    }

    @Test
    void everyServiceFileNamesOnlyClassesOfThisJar() throws Exception {
        for (Path serviceFile : serviceFiles()) {
            for (String className : classNames(serviceFile)) {
                assertThat(className).as("entry of %s", serviceFile.getFileName()).startsWith("dev.apiguard.keycloak.");
                assertThat(Class.forName(className)).isNotNull();
            }
        }
    }

    private static List<ProviderFactory<?>> loadAllRegisteredFactories() throws Exception {
        List<ProviderFactory<?>> factories = new ArrayList<>();
        for (Path serviceFile : serviceFiles()) {
            Class<?> spiType = Class.forName(serviceFile.getFileName().toString());
            assertThat(ProviderFactory.class).as("%s is a Keycloak ProviderFactory", spiType).isAssignableFrom(spiType);
            Set<String> declared = new HashSet<>(classNames(serviceFile));
            // Only this JAR's entries are instantiated: Keycloak's own (also on the test class path) may need a server.
            ServiceLoader.load(spiType, ProviderFactoriesTest.class.getClassLoader()).stream()
                    .filter(provider -> declared.remove(provider.type().getName()))
                    .forEach(provider -> factories.add((ProviderFactory<?>) provider.get()));
            assertThat(declared).as("classes of %s that ServiceLoader did not load", serviceFile.getFileName()).isEmpty();
        }
        return factories;
    }

    private static String spiOf(ProviderFactory<?> factory) {
        for (Class<?> type : factory.getClass().getInterfaces()) {
            if (ProviderFactory.class.isAssignableFrom(type)) {
                return type.getName();
            }
        }
        return factory.getClass().getName();
    }

    private static List<Path> serviceFiles() throws IOException, URISyntaxException {
        // The main classes of this module (not a dependency's JAR, which may also carry services).
        URL mainClasses = ApiGuardAdminResourceProviderFactory.class.getProtectionDomain().getCodeSource().getLocation();
        Path services = Path.of(mainClasses.toURI()).resolve("META-INF/services");
        assertThat(services).as("META-INF/services of the main classes").isDirectory();
        try (Stream<Path> files = Files.list(services)) {
            return files.sorted().toList();
        }
    }

    private static List<String> classNames(Path serviceFile) throws IOException {
        List<String> names = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                Files.newInputStream(serviceFile), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String name = line.replaceFirst("#.*", "").trim();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
