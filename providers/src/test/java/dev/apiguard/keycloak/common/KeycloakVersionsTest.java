package dev.apiguard.keycloak.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Keycloak versions API Guard claims are the ones the build runs it on: the pinned
 * {@code keycloak.version} (full suite) and the smoke versions of integration-tests/pom.xml are
 * {@link KeycloakCompatibility#TESTED} and start; the refused versions are refused; the README's
 * compatibility section names them all.
 */
class KeycloakVersionsTest {

    private static final Path ROOT = Path.of(System.getProperty("apiguard.repo.root"));

    @Test
    void testedVersionsWhenComparedWithTheBuildThenThePinnedAndEverySmokeVersion() throws IOException {
        assertThat(KeycloakCompatibility.TESTED)
                .containsExactlyInAnyOrderElementsOf(versions("keycloak\\.smoke\\.version"));
        for (String version : KeycloakCompatibility.TESTED) {
            assertThat(KeycloakCompatibility.check(version, "test")).as(version).isEmpty();
        }
        for (String version : versions("keycloak\\.refused\\.version")) {
            assertThatThrownBy(() -> KeycloakCompatibility.check(version, "test"))
                    .as(version)
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void readmeWhenItStatesCompatibilityThenItNamesEveryVersionTheBuildRuns() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Compatibility");
        assertThat(section).as("README section '## Compatibility'").isNotNegative();
        String compatibility = readme.substring(section, nextSection(readme, section));
        List<String> all = new ArrayList<>(versions("keycloak\\.smoke\\.version"));
        all.addAll(versions("keycloak\\.refused\\.version"));
        for (String version : all) {
            assertThat(compatibility)
                    .as("README compatibility names %s", version)
                    .contains(version);
        }
    }

    private static int nextSection(String text, int from) {
        int next = text.indexOf("\n## ", from + 3);
        return next < 0 ? text.length() : next;
    }

    /** The pinned version plus the integration-tests/pom.xml properties named {@code <prefix>.N}; for refused ones only those. */
    private static List<String> versions(String prefix) throws IOException {
        List<String> versions = new ArrayList<>();
        if (prefix.contains("smoke")) {
            versions.add(property(ROOT.resolve("pom.xml"), "keycloak.version"));
        }
        String itPom = Files.readString(ROOT.resolve("integration-tests/pom.xml"), StandardCharsets.UTF_8);
        Matcher matcher = Pattern.compile("<" + prefix + "\\.\\d>([^<]+)</").matcher(itPom);
        while (matcher.find()) {
            versions.add(matcher.group(1));
        }
        assertThat(versions).as(prefix).hasSizeGreaterThan(prefix.contains("smoke") ? 1 : 0);
        return versions;
    }

    private static String property(Path pom, String name) throws IOException {
        Matcher matcher = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</")
                .matcher(Files.readString(pom, StandardCharsets.UTF_8));
        assertThat(matcher.find()).as("%s in %s", name, pom).isTrue();
        return matcher.group(1);
    }
}
