package dev.apiguard.keycloak.common;

import static org.assertj.core.api.Assertions.assertThat;

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
 * {@code keycloak.version} (full suite) and the smoke versions of integration-tests/pom.xml, in
 * {@link KeycloakCompatibility#TESTED} and in the README's compatibility section.
 */
class KeycloakVersionsTest {

    private static final Path ROOT = Path.of(System.getProperty("apiguard.repo.root"));

    @Test
    void testedVersionsWhenComparedWithTheBuildThenThePinnedAndEverySmokeVersion() throws IOException {
        assertThat(KeycloakCompatibility.TESTED).containsExactlyInAnyOrderElementsOf(builtVersions());
        for (String version : KeycloakCompatibility.TESTED) {
            assertThat(KeycloakCompatibility.check(version, "test")).as(version).isEmpty();
        }
    }

    @Test
    void readmeWhenItStatesCompatibilityThenItNamesEveryVersionTheBuildRuns() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Compatibility");
        assertThat(section).as("README section '## Compatibility'").isNotNegative();
        String compatibility = readme.substring(section, nextSection(readme, section));
        for (String version : builtVersions()) {
            assertThat(compatibility).as("README compatibility names %s", version).contains(version);
        }
    }

    private static int nextSection(String text, int from) {
        int next = text.indexOf("\n## ", from + 3);
        return next < 0 ? text.length() : next;
    }

    private static List<String> builtVersions() throws IOException {
        List<String> versions = new ArrayList<>();
        versions.add(property(ROOT.resolve("pom.xml"), "keycloak.version"));
        String itPom = Files.readString(ROOT.resolve("integration-tests/pom.xml"), StandardCharsets.UTF_8);
        Matcher smoke = Pattern.compile("<keycloak\\.smoke\\.version\\.\\d>([^<]+)</").matcher(itPom);
        while (smoke.find()) {
            versions.add(smoke.group(1));
        }
        assertThat(versions).hasSizeGreaterThan(1);
        return versions;
    }

    private static String property(Path pom, String name) throws IOException {
        Matcher matcher = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(pom, StandardCharsets.UTF_8));
        assertThat(matcher.find()).as("%s in %s", name, pom).isTrue();
        return matcher.group(1);
    }
}
