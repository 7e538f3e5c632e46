package dev.apiguard.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.admin.ApiGuardAdminResourceProviderFactory;
import dev.apiguard.keycloak.clientguard.OperatorClientConditionFactory;
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
import org.junit.jupiter.api.Test;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;
import org.keycloak.services.clientpolicy.condition.ClientPolicyConditionProviderFactory;

/**
 * Loads every factory that the JAR registers in {@code META-INF/services} through
 * {@link ServiceLoader}, as Keycloak does, and checks the ids.
 */
class ProviderFactoriesTest {

    private static final String PREFIX = "apiguard";

    /** A factory and the SPI it is registered for: the factory interface its service file is named after. */
    record Registered(Class<?> spi, ProviderFactory<?> factory) {
        String key() {
            return spi.getName() + "/" + factory.getId();
        }
    }

    @Test
    void everyRegisteredFactoryLoadsAndHasAUniqueApiGuardId() throws Exception {
        List<Registered> registered = loadAllRegisteredFactories();

        assertThat(registered).as("factories registered in META-INF/services").isNotEmpty();
        for (Registered entry : registered) {
            String id = entry.factory().getId();
            if (entry.spi().getName().startsWith("dev.apiguard.keycloak.")) {
                // A provider of API Guard's own SPI: the SPI name carries the prefix, Keycloak's convention names the
                // provider.
                assertThat(id)
                        .as("id of %s", entry.factory().getClass().getName())
                        .isNotBlank();
            } else {
                assertThat(id)
                        .as("id of %s", entry.factory().getClass().getName())
                        .isNotBlank()
                        .startsWith(PREFIX);
            }
        }
        assertThat(duplicates(registered))
                .as("ids registered twice for the same SPI")
                .isEmpty();
    }

    @Test
    void duplicatesWhenTwoFactoriesExtendingAnAbstractClassShareAnIdThenFound() {
        // OperatorClientConditionFactory extends Keycloak's abstract condition factory: the SPI is its service file's.
        Class<?> spi = ClientPolicyConditionProviderFactory.class;
        List<Registered> registered = List.of(
                new Registered(spi, new OperatorClientConditionFactory()),
                new Registered(spi, new OperatorClientConditionFactory()));

        assertThat(duplicates(registered))
                .containsExactly(spi.getName() + "/" + OperatorClientConditionFactory.PROVIDER_ID);
    }

    private static List<String> duplicates(List<Registered> registered) {
        Set<String> seen = new HashSet<>();
        return registered.stream()
                .map(Registered::key)
                .filter(key -> !seen.add(key))
                .toList();
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
                assertThat(className)
                        .as("entry of %s", serviceFile.getFileName())
                        .startsWith("dev.apiguard.keycloak.");
                assertThat(Class.forName(className)).isNotNull();
            }
        }
    }

    private static List<Registered> loadAllRegisteredFactories() throws Exception {
        List<Registered> factories = new ArrayList<>();
        for (Path serviceFile : serviceFiles()) {
            if (serviceFile.getFileName().toString().equals(Spi.class.getName())) {
                continue;
            }
            Class<?> spiType = Class.forName(serviceFile.getFileName().toString());
            assertThat(ProviderFactory.class)
                    .as("%s is a Keycloak ProviderFactory", spiType)
                    .isAssignableFrom(spiType);
            Set<String> declared = new HashSet<>(classNames(serviceFile));
            // Only this JAR's entries are instantiated: Keycloak's own (also on the test class path) may need a server.
            ServiceLoader.load(spiType, ProviderFactoriesTest.class.getClassLoader()).stream()
                    .filter(provider -> declared.remove(provider.type().getName()))
                    .forEach(provider -> factories.add(new Registered(spiType, (ProviderFactory<?>) provider.get())));
            assertThat(declared)
                    .as("classes of %s that ServiceLoader did not load", serviceFile.getFileName())
                    .isEmpty();
        }
        return factories;
    }

    private static List<Path> serviceFiles() throws IOException, URISyntaxException {
        // The main classes of this module (not a dependency's JAR, which may also carry services).
        URL mainClasses = ApiGuardAdminResourceProviderFactory.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation();
        Path services = Path.of(mainClasses.toURI()).resolve("META-INF/services");
        assertThat(services).as("META-INF/services of the main classes").isDirectory();
        try (Stream<Path> files = Files.list(services)) {
            return files.sorted().toList();
        }
    }

    private static List<String> classNames(Path serviceFile) throws IOException {
        List<String> names = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(Files.newInputStream(serviceFile), StandardCharsets.UTF_8))) {
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
