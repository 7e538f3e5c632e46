package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileSplitTest {

    private static final Instant T0 = Instant.parse("2026-12-01T14:00:00Z");

    private static JsonNode results() throws Exception {
        return new ObjectMapper().readTree("""
                {"warmup": {"rounds": [
                  {"target": "apiguard", "grant": "client-credentials", "requests": 1000, "seconds": 10.0,
                   "startedAt": "2026-12-01T14:00:00Z"}]},
                 "rounds": [
                  {"target": "plain-ES256", "grant": "client-credentials", "requests": 2000, "seconds": 10.0,
                   "startedAt": "2026-12-01T14:00:10Z"},
                  {"target": "apiguard", "grant": "code-exchange", "requests": 500, "seconds": 10.0,
                   "startedAt": "2026-12-01T14:00:20Z"},
                  {"target": "stock-ES256", "grant": "client-credentials", "requests": 900, "seconds": 10.0,
                   "startedAt": "2026-12-01T14:00:30Z"}]}
                """);
    }

    @Test
    void windowsWhenResultsHoldRoundsThenOnlyTheGrantsRoundsOfTheTwoTargets() throws Exception {
        List<ProfileSplit.Window> windows =
                ProfileSplit.windows(results(), "client-credentials", "apiguard", "plain-ES256");

        assertThat(windows)
                .containsExactly(
                        new ProfileSplit.Window("apiguard", T0, T0.plusSeconds(10), 1000),
                        new ProfileSplit.Window("plain-ES256", T0.plusSeconds(10), T0.plusSeconds(20), 2000));
    }

    @Test
    void windowsWhenATargetHasNoRoundOrNoStartThenRefused() throws Exception {
        assertThatThrownBy(() -> ProfileSplit.windows(results(), "refresh", "apiguard", "plain-ES256"))
                .hasMessage("no refresh round of apiguard in the results");
        JsonNode old = new ObjectMapper()
                .readTree("{\"rounds\": [{\"target\": \"apiguard\", \"grant\": \"refresh\", \"requests\": 1,"
                        + " \"seconds\": 1.0}]}");
        assertThatThrownBy(() -> ProfileSplit.windows(old, "refresh", "apiguard", "plain-ES256"))
                .hasMessageStartingWith("the results have no startedAt per round");
    }

    @Test
    void rowsWhenSamplesFallInRoundsThenCountedPerThousandRequestsOfTheirTarget() throws Exception {
        ProfileSplit split = new ProfileSplit(
                ProfileSplit.windows(results(), "client-credentials", "apiguard", "plain-ES256"),
                "apiguard",
                "plain-ES256");

        // apiguard (1,000 requests): 3 samples, 2 in the audit listener, one recursing.
        split.accept(T0.plusSeconds(1), List.of("H2.insert", "Audit.onEvent", "Token.process"));
        split.accept(T0.plusSeconds(2), List.of("Audit.onEvent", "Audit.onEvent", "Token.process"));
        split.accept(T0.plusSeconds(3), List.of("Sign.es256", "Token.process"));
        // plain-ES256 (2,000 requests): 2 samples.
        split.accept(T0.plusSeconds(11), List.of("Sign.es256", "Token.process"));
        split.accept(T0.plusSeconds(12), List.of("Token.process"));
        // Outside every window of the two targets (code exchange, stock-ES256): ignored.
        split.accept(T0.plusSeconds(25), List.of("Audit.onEvent"));
        split.accept(T0.plusSeconds(35), List.of("Token.process"));

        assertThat(split.perThousand("apiguard")).isEqualTo(3.0);
        assertThat(split.perThousand("plain-ES256")).isEqualTo(1.0);
        // Most extra first; equal extras by name.
        assertThat(split.rows(2))
                .containsExactly(
                        new ProfileSplit.Row("Audit.onEvent", 2.0, 0), new ProfileSplit.Row("Token.process", 3.0, 1.0));
        assertThat(split.rows(10))
                .extracting(ProfileSplit.Row::frame)
                .containsExactly("Audit.onEvent", "Token.process", "H2.insert", "Sign.es256");
        assertThat(split.rows(10).get(3).extra()).isEqualTo(0.5);
    }
}
