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
import org.keycloak.provider.Spi;

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
            if (spiOf(factory).startsWith("dev.apiguard.keycloak.")) {
                // A provider of API Guard's own SPI: the SPI name carries the prefix, Keycloak's convention names the provider.
                assertThat(id).as("id of %s", factory.getClass().getName()).isNotBlank();
            } else {
                assertThat(id).as("id of %s", factory.getClass().getName()).isNotBlank().startsWith(PREFIX);
            }
            String key = spiOf(factory) + "/" + id;
            assertThat(seen.add(key)).as("id %s registered twice for the same SPI", key).isTrue();
        }
    }

    @Test
    void ownSpisAreNamedWithThePrefixAndHaveAFactoryServiceFile() throws Exception {
        List<Spi> spis = ServiceLoader.load(Spi.class, ProviderFactoriesTest.class.getClassLoader()).stream()
                .filter(provider -> provider.type().getName().startsWith("dev.apiguard.keycloak."))
                .map(ServiceLoader.Provider::get)
                .toList();
        assertThat(spis).as("API Guard's own SPIs").isNotEmpty();
        Set<String> serviceFileNames = new HashSet<>();
        for (Path file : serviceFiles()) {
            serviceFileNames.add(file.getFileName().toString());
        }
        for (Spi spi : spis) {
            assertThat(spi.getName()).startsWith(PREFIX);
            assertThat(spi.isInternal()).as("%s is internal", spi.getName()).isFalse();
            assertThat(serviceFileNames).contains(spi.getProviderFactoryClass().getName());
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
            if (serviceFile.getFileName().toString().equals(Spi.class.getName())) {
                continue;
            }
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
