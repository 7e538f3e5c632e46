package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsTest {

    @TempDir
    Path dir;

    private String[] args(String... extra) throws Exception {
        Path jar = Files.writeString(dir.resolve("apiguard-keycloak.jar"), "jar");
        List<String> all = new ArrayList<>(List.of(
                "--keycloak-dist",
                dir.toString(),
                "--java-home",
                dir.toString(),
                "--provider-jar",
                jar.toString(),
                "--realm-config",
                dir.toString(),
                "--work-dir",
                dir.resolve("w").toString(),
                "--out-dir",
                dir.resolve("o").toString()));
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    @Test
    void parseWhenOnlyPathsThenDefaults() throws Exception {
        Options options = Options.parse(args());

        assertThat(options.connections()).isEqualTo(8);
        // Six rounds: the fewest that give a 95% interval for a ratio's median (Stats.medianInterval).
        assertThat(options.rounds()).isEqualTo(6);
        assertThat(options.roundSeconds()).isEqualTo(10);
        assertThat(options.codes()).isEqualTo(2000);
        assertThat(options.settleTolerance()).isEqualTo(0.05);
        assertThat(options.outDir()).isEqualTo(dir.resolve("o"));
    }

    @Test
    void parseWhenPairingGivenThenTogetherOnlyWithoutLoginAndProfile() throws Exception {
        assertThat(Options.parse(args()).pairing()).isEqualTo("alternate");
        assertThat(Options.parse(args()).together()).isFalse();
        assertThat(Options.parse(args("--pairing", "together")).together()).isTrue();

        assertThatThrownBy(() -> Options.parse(args("--pairing", "mixed")))
                .hasMessage("--pairing must be one of alternate, together, got 'mixed'");
        assertThatThrownBy(() -> Options.parse(args("--pairing", "together", "--grants", "refresh,login")))
                .hasMessageStartingWith("--pairing together does not measure login");
        assertThatThrownBy(() -> Options.parse(args("--pairing", "together", "--profile", "apiguard")))
                .hasMessageStartingWith("--pairing together cannot be profiled");
        assertThat(Options.parse(args("--pairing", "alternate", "--grants", "login", "--profile", "both"))
                        .profiles("stock"))
                .isTrue();
    }

    @Test
    void parseWhenValuesGivenThenUsed() throws Exception {
        Options options = Options.parse(args("--connections", "2", "--round-seconds", "1", "--codes", "50"));

        assertThat(options.connections()).isEqualTo(2);
        assertThat(options.roundSeconds()).isEqualTo(1);
        assertThat(options.codes()).isEqualTo(50);
    }

    @Test
    void parseWhenOutOfRangeOrUnknownThenRefusedNamingValueAndRange() throws Exception {
        assertThatThrownBy(() -> Options.parse(args("--connections", "0")))
                .hasMessage("--connections must be from 1 to 256, got 0");
        assertThatThrownBy(() -> Options.parse(args("--settle-tolerance", "x")))
                .hasMessage("--settle-tolerance must be a number from 0.001 to 0.5, got 'x'");
        assertThatThrownBy(() -> Options.parse(args("--speed", "2"))).hasMessageStartingWith("unknown option --speed");
        assertThatThrownBy(() -> Options.parse(args("--rounds"))).hasMessageContaining("without a value");
        assertThatThrownBy(() -> Options.parse("--work-dir", "/tmp")).hasMessage("--keycloak-dist is required");
    }

    @Test
    void parseWhenProfileGivenThenOnlyThoseServersProfiled() throws Exception {
        assertThat(Options.parse(args()).profiles("apiguard")).isFalse();
        Options apiguard = Options.parse(args("--profile", "apiguard"));
        assertThat(apiguard.profiles("apiguard")).isTrue();
        assertThat(apiguard.profiles("stock")).isFalse();
        Options both = Options.parse(args("--profile", "both"));
        assertThat(both.profiles("stock")).isTrue();
        assertThat(both.profiles("apiguard")).isTrue();
        assertThatThrownBy(() -> Options.parse(args("--profile", "all")))
                .hasMessage("--profile must be one of none, apiguard, both, got 'all'");
    }

    @Test
    void parseWhenNoGrantsOrVariantsThenTodaysGrantsAndNoVariants() throws Exception {
        Options options = Options.parse(args());

        assertThat(options.grants()).containsExactly(Grant.CLIENT_CREDENTIALS, Grant.REFRESH, Grant.CODE_EXCHANGE);
        assertThat(options.variants()).isEmpty();
        assertThat(Variant.of(options.variants())).isEmpty();
    }

    @Test
    void parseWhenGrantsGivenThenThoseInThatOrder() throws Exception {
        Options options = Options.parse(args("--grants", "login, client-credentials"));

        assertThat(options.grants()).containsExactly(Grant.LOGIN, Grant.CLIENT_CREDENTIALS);
        assertThatThrownBy(() -> Options.parse(args("--grants", "password")))
                .hasMessage("--grants: unknown grant 'password'; known: client-credentials, refresh, code-exchange,"
                        + " login");
        assertThatThrownBy(() -> Options.parse(args("--grants", "login,login")))
                .hasMessage("--grants names login twice");
        assertThatThrownBy(() -> Options.parse(args("--grants", "login,")))
                .hasMessage("--grants must be a comma-separated list without blanks, got 'login,'");
    }

    @Test
    void parseWhenVariantsGivenThenTheirRealms() throws Exception {
        assertThat(Variant.of(Options.parse(args("--variants", "limiter")).variants()))
                .containsExactly(Variant.NOLIMIT);
        assertThat(Variant.of(Options.parse(args("--variants", "audit")).variants()))
                .containsExactly(Variant.STREAM, Variant.NOAUDIT, Variant.JPAEVENTS);
        Options both = Options.parse(args("--variants", "audit,limiter"));
        assertThat(both.variants()).containsExactly("audit", "limiter");
        assertThat(Variant.of(both.variants()))
                .containsExactly(Variant.NOLIMIT, Variant.STREAM, Variant.NOAUDIT, Variant.JPAEVENTS);
        assertThat(Options.parse(args("--variants", "none")).variants()).isEmpty();
        assertThatThrownBy(() -> Options.parse(args("--variants", "none,limiter")))
                .hasMessage(
                        "--variants: unknown variant 'none'; known: none, limiter, audit, policies, scope, bare, realm, server, rs256, control (comma-separated)");
        assertThatThrownBy(() -> Options.parse(args("--variants", "cache")))
                .hasMessageStartingWith("--variants: unknown variant 'cache'");
        assertThatThrownBy(() -> Options.parse(args("--variants", "audit,audit")))
                .hasMessage("--variants names audit twice");
        assertThat(Variant.of(Options.parse(args("--variants", "control,bare")).variants()))
                .containsExactly(Variant.BARE, Variant.BARE_TWIN);
        assertThatThrownBy(() -> Options.parse(args("--variants", "control")))
                .hasMessage("--variants control compares apiguard-bare-twin with apiguard-bare: add bare");
    }

    @Test
    void parseWhenServerVariantThenNoDemoCopyButTheStockRealmComparedInOneJvm() throws Exception {
        Options server = Options.parse(args("--variants", "server"));

        assertThat(server.variants()).containsExactly("server");
        assertThat(Variant.of(server.variants())).isEmpty();
        assertThat(SideBySide.comparisons(server.variants()))
                .extracting(Summary.Comparison::label)
                .containsExactly(
                        "apiguard / stock-ES256",
                        "apiguard / stock-RS256",
                        "apiguard / plain-ES256",
                        "plain-ES256 / stock-ES256");
        assertThat(SideBySide.comparisons(server.variants()))
                .filteredOn(c -> c.baseline().equals(Variant.PLAIN_ES))
                .singleElement()
                .extracting(Summary.Comparison::goal)
                .isEqualTo(0.97);
    }

    @Test
    void parseWhenServerAndAuditVariantsThenTheChecksAloneComparedWithTheStockRealmInOneJvm() throws Exception {
        Options options = Options.parse(args("--variants", "server,audit"));

        List<Summary.Comparison> comparisons = SideBySide.comparisons(options.variants());

        assertThat(comparisons)
                .extracting(Summary.Comparison::label)
                .contains("apiguard-noaudit / plain-ES256", "apiguard / apiguard-stream");
        assertThat(comparisons)
                .filteredOn(c -> c.label().equals("apiguard-noaudit / plain-ES256"))
                .singleElement()
                .extracting(Summary.Comparison::goal)
                .isEqualTo(0.97);
        assertThat(SideBySide.comparisons(List.of("server")))
                .extracting(Summary.Comparison::label)
                .doesNotContain("apiguard-noaudit / plain-ES256");
        assertThat(SideBySide.comparisons(List.of("audit")))
                .extracting(Summary.Comparison::label)
                .doesNotContain("apiguard-noaudit / plain-ES256", "apiguard / apiguard-stream");
    }
}
