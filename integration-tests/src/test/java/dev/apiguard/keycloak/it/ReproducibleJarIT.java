package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two builds of one commit give the same provider JAR, byte for byte. {@code ./apiguard dev}
 * builds the JAR on every start and copies it into Keycloak only when it changed: a JAR that
 * differed build to build made Keycloak re-build its server image (about 25 s) on every restart.
 *
 * <p>The second build runs on a copy of the sources in another folder, at another time, offline
 * (the reactor build that produced the first JAR has fetched every plugin), without test classes.
 */
class ReproducibleJarIT {

    @Test
    void providerJarWhenBuiltAgainFromTheSameSourcesThenIsByteIdentical(@TempDir Path copy) throws Exception {
        Path root = ApiGuardServer.repoRoot();
        Files.copy(root.resolve("pom.xml"), copy.resolve("pom.xml"));
        copyTree(root.resolve("providers/src/main"), copy.resolve("providers/src/main"));
        Files.copy(root.resolve("providers/pom.xml"), copy.resolve("providers/pom.xml"));
        copyTree(root.resolve("themes"), copy.resolve("themes"));
        // The licence, the notice and the bundled libraries' licence texts ship inside the JAR.
        Files.copy(root.resolve("LICENSE"), copy.resolve("LICENSE"));
        Files.copy(root.resolve("NOTICE"), copy.resolve("NOTICE"));
        copyTree(root.resolve("licenses"), copy.resolve("licenses"));
        Path log = copy.resolve("build.log");

        Process build = new ProcessBuilder(
                        "mvn",
                        "-o",
                        "-B",
                        "-q",
                        "-Dstyle.color=never",
                        "-Dmaven.test.skip=true",
                        "-f",
                        copy.resolve("providers/pom.xml").toString(),
                        "package")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(build.waitFor(10, TimeUnit.MINUTES))
                .as("second build finished within 10 minutes")
                .isTrue();
        assertThat(build.exitValue())
                .as("second build's exit status; its output:%n%s", Files.readString(log, StandardCharsets.UTF_8))
                .isZero();

        Path first = Path.of(System.getProperty("apiguard.it.provider.jar"));
        Path second = copy.resolve("providers/target/apiguard-keycloak.jar");
        assertThat(sha256(second))
                .as("SHA-256 of the JAR built again in %s", copy)
                .isEqualTo(sha256(first));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
