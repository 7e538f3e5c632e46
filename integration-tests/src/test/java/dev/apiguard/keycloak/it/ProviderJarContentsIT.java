package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The provider JAR bundles CEL and its libraries relocated under dev.apiguard.keycloak.shaded, so
 * that they cannot clash with the guava, protobuf and antlr in Keycloak's lib/ (AbacIT proves on
 * the real server that the bundled CEL works next to them).
 */
class ProviderJarContentsIT {

    @Test
    void providerJarWhenBuiltThenEveryBundledClassIsRelocatedAndNoSignatureIsLeft() throws IOException {
        Path jar = Path.of(System.getProperty("apiguard.it.provider.jar"));
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> names = file.stream().map(JarEntry::getName).toList();

            assertThat(names).filteredOn(name -> name.endsWith(".class"))
                    .allMatch(name -> name.startsWith("dev/apiguard/keycloak/"), "class under dev/apiguard/keycloak/");
            assertThat(names).anyMatch(name -> name.startsWith("dev/apiguard/keycloak/shaded/dev/cel/"))
                    .anyMatch(name -> name.startsWith("dev/apiguard/keycloak/shaded/com/google/protobuf/"))
                    .anyMatch(name -> name.startsWith("dev/apiguard/keycloak/shaded/org/antlr/"));
            assertThat(names).noneMatch(name -> name.matches("META-INF/[^/]+\\.(SF|DSA|RSA)"))
                    .noneMatch(name -> name.endsWith("module-info.class"))
                    .noneMatch(name -> name.startsWith("META-INF/services/java."));
        }
    }
}
