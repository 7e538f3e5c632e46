package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

            assertThat(names)
                    .filteredOn(name -> name.endsWith(".class"))
                    .allMatch(name -> name.startsWith("dev/apiguard/keycloak/"), "class under dev/apiguard/keycloak/");
            assertThat(names)
                    .anyMatch(name -> name.startsWith("dev/apiguard/keycloak/shaded/dev/cel/"))
                    .anyMatch(name -> name.startsWith("dev/apiguard/keycloak/shaded/com/google/protobuf/"))
                    .anyMatch(name -> name.startsWith("dev/apiguard/keycloak/shaded/org/antlr/"));
            assertThat(names)
                    .noneMatch(name -> name.matches("META-INF/[^/]+\\.(SF|DSA|RSA)"))
                    .noneMatch(name -> name.endsWith("module-info.class"))
                    .noneMatch(name -> name.startsWith("META-INF/services/java."));
        }
    }

    @Test
    void providerJarWhenBuiltThenCarriesTheLicenceTheNoticeAndTheLicenceOfEveryBundledLibrary() throws IOException {
        Path jar = Path.of(System.getProperty("apiguard.it.provider.jar"));
        Path root = Path.of(System.getProperty("apiguard.repo.root"));
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(text(file, "META-INF/LICENSE"))
                    .as("the project's own licence, not a bundled library's")
                    .isEqualTo(Files.readString(root.resolve("LICENSE"), StandardCharsets.UTF_8))
                    .contains("Apache License", "Version 2.0, January 2004");
            String notice = text(file, "META-INF/NOTICE");
            assertThat(notice).isEqualTo(Files.readString(root.resolve("NOTICE"), StandardCharsets.UTF_8));
            // Every bundled library is named in NOTICE, and the licence text NOTICE points to is in the JAR.
            for (String[] library : new String[][] {
                {"CEL-Java", "Apache-2.0.txt", "Apache License"},
                {"Guava", "Apache-2.0.txt", "Apache License"},
                {"protobuf-java 4.35.1", "protobuf-java-BSD-3-Clause.txt", "Copyright 2008 Google Inc."},
                {"antlr4-runtime 4.13.2", "antlr4-runtime-BSD-3-Clause.txt", "The ANTLR Project"},
                {"re2j 1.8", "re2j-Go-BSD-3-Clause.txt", "The Go Authors"},
                {"threeten-extra 1.10.0", "threeten-extra-BSD-3-Clause.txt", "Stephen Colebourne"},
            }) {
                assertThat(notice).contains(library[0]).contains("META-INF/licenses/" + library[1]);
                assertThat(text(file, "META-INF/licenses/" + library[1]))
                        .as(library[1])
                        .contains(library[2]);
            }
            assertThat(file.stream().map(JarEntry::getName))
                    .as("licence files of bundled libraries, outside META-INF/licenses/")
                    .noneMatch(name -> name.matches("META-INF/(LICENSE|NOTICE)\\.txt"));
        }
    }

    @Test
    void sbomWhenBuiltThenListsEveryBundledLibraryWithItsVersionAndLicence() throws IOException {
        Path sbom = Path.of(System.getProperty("apiguard.it.provider.sbom"));
        assertThat(sbom).as("CycloneDX SBOM written by mvn verify").exists();
        io.restassured.path.json.JsonPath bom =
                io.restassured.path.json.JsonPath.from(Files.readString(sbom, StandardCharsets.UTF_8));

        assertThat(bom.getString("bomFormat")).isEqualTo("CycloneDX");
        assertThat(bom.getString("metadata.component.name")).isEqualTo("apiguard-keycloak");
        assertThat(bom.getList(
                        "components.collect { it.group + ':' + it.name + ':' + it.version + ' ' + it.licenses[0].license.id }",
                        String.class))
                .contains(
                        "dev.cel:runtime:0.14.0 Apache-2.0",
                        "com.google.guava:guava:33.6.0-jre Apache-2.0",
                        "com.google.protobuf:protobuf-java:4.35.1 BSD-3-Clause",
                        "org.antlr:antlr4-runtime:4.13.2 BSD-3-Clause",
                        "org.threeten:threeten-extra:1.10.0 BSD-3-Clause")
                .anyMatch(component -> component.startsWith("com.google.re2j:re2j:1.8 "))
                .noneMatch(component -> component.startsWith("org.keycloak:"));
    }

    private static String text(JarFile file, String name) throws IOException {
        JarEntry entry = file.getJarEntry(name);
        assertThat(entry).as("%s in the provider JAR", name).isNotNull();
        try (InputStream in = file.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
