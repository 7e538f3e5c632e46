package dev.apiguard.keycloak.realmaudit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealmAuditCommandTest {

    /** Findings: implicit flow (high), wildcard redirect (high), full scope (low) on app-web. */
    private static final String FINDINGS =
            "clients[0].implicitFlowEnabled=true ; clients[0].redirectUris=[\"https://app.example.org/*\"]"
                    + " ; clients[0].fullScopeAllowed=true";

    @TempDir
    Path dir;

    private Path clean;
    private Path failing;

    @BeforeEach
    void writeFixtures() throws IOException {
        clean = dir.resolve("clean.json");
        Files.writeString(clean, Fixtures.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Fixtures.clean()));
        failing = dir.resolve("failing realm.json");
        Files.writeString(
                failing, Fixtures.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Fixtures.edited(FINDINGS)));
    }

    private record Run(int exit, String out, String err) {}

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = RealmAuditCommand.run(
                args,
                Map.<String, String>of()::get,
                Fixtures.CLOCK,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void cleanRealmExitsZero() {
        Run run = run(clean.toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("clean (" + clean + "): " + Checks.all().size() + " checks, 0 findings");
    }

    @Test
    void findingAtOrAboveFailOnExitsOne() {
        assertThat(run(failing.toString()).exit()).isEqualTo(RealmAuditCommand.FINDINGS);
        assertThat(run("--fail-on", "critical", failing.toString()).exit()).isEqualTo(RealmAuditCommand.OK);
        assertThat(run("--fail-on", "low", clean.toString()).exit()).isEqualTo(RealmAuditCommand.OK);
    }

    @Test
    void minSeverityFiltersOutputButNotExitCode() {
        Run run = run("--min-severity", "critical", failing.toString());
        assertThat(run.exit()).isEqualTo(RealmAuditCommand.FINDINGS);
        assertThat(run.out()).doesNotContain("client.implicit-flow").contains("3 findings");
        assertThat(run("--min-severity", "low", failing.toString()).out())
                .contains("client.implicit-flow", "client.full-scope-allowed");
    }

    @Test
    void textNamesTheLineOfTheOffendingElement() throws IOException {
        List<String> lines = Files.readAllLines(failing);
        int line = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"implicitFlowEnabled\"")) {
                line = i + 1;
            }
        }
        assertThat(run(failing.toString()).out()).contains("client.implicit-flow  client:app-web  (line " + line + ")");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run().exit()).isEqualTo(RealmAuditCommand.USAGE);
        assertThat(run("--format", "xml", clean.toString()).exit()).isEqualTo(RealmAuditCommand.USAGE);
        Run severity = run("--fail-on", "severe", clean.toString());
        assertThat(severity.exit()).isEqualTo(RealmAuditCommand.USAGE);
        assertThat(severity.err()).contains("severity 'severe' is not one of critical, high, medium, low, info");
        assertThat(run("--bogus", clean.toString()).exit()).isEqualTo(RealmAuditCommand.USAGE);
        assertThat(run("--server", "https://127.0.0.1:1").exit()).isEqualTo(RealmAuditCommand.USAGE);
        Run noCredentials = run("--server", "https://127.0.0.1:1", "--realm", "clean");
        assertThat(noCredentials.exit()).isEqualTo(RealmAuditCommand.USAGE);
        assertThat(noCredentials.err()).contains("APIGUARD_AUDIT_TOKEN", "APIGUARD_AUDIT_CLIENT_ID");
    }

    @Test
    void unreadableOrNonRealmInputExitsThree() throws IOException {
        assertThat(run(dir.resolve("missing.json").toString()).exit()).isEqualTo(RealmAuditCommand.INPUT);
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"realm\": \"x\", \"accessTokenLifespan\": \"${TTL}\"}");
        Run run = run(broken.toString());
        assertThat(run.exit()).isEqualTo(RealmAuditCommand.INPUT);
        assertThat(run.err()).contains("broken.json is not a realm representation (line 1");
        Path noRealm = dir.resolve("empty.json");
        Files.writeString(noRealm, "{}");
        assertThat(run(noRealm.toString()).exit()).isEqualTo(RealmAuditCommand.INPUT);
    }

    @Test
    void suppressionAcceptsAFindingAndAnExpiredOneIsItselfAFinding() throws IOException {
        Path suppressions = dir.resolve("suppressions.json");
        Files.writeString(suppressions, """
                {"suppressions": [
                  {"check": "client.implicit-flow", "target": "client:app-web", "justification": "legacy app, retired in Q3", "expires": "2026-09-30"},
                  {"check": "client.redirect-uri-wildcard", "realm": "clean", "target": "client:app-web", "justification": "old", "expires": "2026-05-31"},
                  {"check": "client.full-scope-allowed", "realm": "other", "target": "*", "justification": "other realm", "expires": "2026-01-01"}
                ]}
                """);
        Run run = run("--format", "json", "--suppressions", suppressions.toString(), failing.toString());
        JsonNode report = read(run.out()).get("reports").get(0);
        assertThat(report.get("findings").findValuesAsText("check"))
                .contains("client.redirect-uri-wildcard", Checks.SUPPRESSION_EXPIRED, "client.full-scope-allowed")
                .doesNotContain("client.implicit-flow");
        assertThat(report.get("suppressed").get(0).get("check").asText()).isEqualTo("client.implicit-flow");
        assertThat(report.get("suppressed").get(0).get("justification").asText())
                .isEqualTo("legacy app, retired in Q3");
        assertThat(run.exit()).isEqualTo(RealmAuditCommand.FINDINGS);
        // the expired suppression names the realm "other": not a finding in realm "clean"
        assertThat(report.get("findings").findValuesAsText("check").stream().filter(Checks.SUPPRESSION_EXPIRED::equals))
                .hasSize(1);
    }

    @Test
    void invalidSuppressionsFileExitsTwoNamingTheProblem() throws IOException {
        Path suppressions = dir.resolve("bad.json");
        Files.writeString(
                suppressions,
                "{\"suppressions\": [{\"check\": \"client.no-such-check\", \"target\": \"*\", \"expires\": \"someday\"}]}");
        Run run = run("--suppressions", suppressions.toString(), clean.toString());
        assertThat(run.exit()).isEqualTo(RealmAuditCommand.USAGE);
        assertThat(run.err())
                .contains(
                        "'client.no-such-check' is not a check id",
                        "justification is required",
                        "'someday' is not a date");
    }

    @Test
    void sarifOutputValidatesAgainstTheSarif210Schema() throws IOException {
        Path suppressions = dir.resolve("suppressions.json");
        Files.writeString(suppressions, """
                {"suppressions": [
                  {"check": "client.implicit-flow", "target": "client:app-web", "justification": "legacy app", "expires": "2026-09-30"},
                  {"check": "client.full-scope-allowed", "target": "*", "justification": "old", "expires": "2026-01-01"}
                ]}
                """);
        Run run = run(
                "--format", "sarif", "--suppressions", suppressions.toString(), failing.toString(), clean.toString());
        assertThat(run.exit()).isEqualTo(RealmAuditCommand.FINDINGS);
        JsonNode sarif = read(run.out());
        assertThat(schemaErrors(run.out())).isEmpty();

        JsonNode driver = sarif.at("/runs/0/tool/driver");
        assertThat(driver.get("rules")).hasSize(Checks.all().size());
        JsonNode rule = driver.get("rules").get(0);
        assertThat(rule.at("/help/text").asText()).contains("Source: ").contains("Fix: ");
        assertThat(rule.at("/properties/security-severity").asText()).isNotBlank();

        JsonNode results = sarif.at("/runs/0/results");
        JsonNode wildcard = null;
        JsonNode implicit = null;
        for (JsonNode result : results) {
            if (result.get("ruleId").asText().equals("client.redirect-uri-wildcard")) {
                wildcard = result;
            }
            if (result.get("ruleId").asText().equals("client.implicit-flow")) {
                implicit = result;
            }
        }
        assertThat(wildcard).isNotNull();
        assertThat(wildcard.at("/locations/0/physicalLocation/artifactLocation/uri")
                        .asText())
                .endsWith("failing%20realm.json");
        assertThat(wildcard.at("/locations/0/physicalLocation/region/startLine").asInt())
                .isGreaterThan(1);
        assertThat(wildcard.at("/locations/0/logicalLocations").findValuesAsText("fullyQualifiedName"))
                .containsExactly("clean", "clean/client:app-web");
        assertThat(wildcard.at("/properties/jsonPath").asText()).isEqualTo("$.clients[0].redirectUris[0]");
        assertThat(wildcard.at("/level").asText()).isEqualTo("error");
        assertThat(implicit.at("/suppressions/0/status").asText()).isEqualTo("accepted");
        assertThat(results.findValuesAsText("ruleId")).contains(Checks.SUPPRESSION_EXPIRED);
    }

    @Test
    void sarifOfALiveAuditHasLogicalLocationsOnlyAndValidates() {
        AuditReport report = Fixtures.audit(Fixtures.edited(FINDINGS));
        AuditedSource live = new AuditedSource(
                "https://127.0.0.1:8443/admin/realms/clean/apiguard/v1/realm-audit",
                false,
                report,
                Suppressions.NONE.apply(report, java.time.LocalDate.of(2026, 6, 1)),
                null);
        String sarif = ReportWriter.sarif(List.of(live), Severity.INFO, null);
        assertThat(schemaErrors(sarif)).isEmpty();
        assertThat(read(sarif)
                        .at("/runs/0/results/0/locations/0/physicalLocation")
                        .isMissingNode())
                .isTrue();
    }

    @Test
    void schemaValidationRejectsAnInvalidSarifLog() {
        AuditReport report = Fixtures.audit(Fixtures.edited(FINDINGS));
        AuditedSource source = new AuditedSource(
                "x.json", false, report, Suppressions.NONE.apply(report, java.time.LocalDate.of(2026, 6, 1)), null);
        String broken = ReportWriter.sarif(List.of(source), Severity.INFO, null)
                .replace("\"level\" : \"error\"", "\"level\" : \"fatal\"");
        assertThat(broken).contains("fatal");
        assertThat(schemaErrors(broken)).isNotEmpty();
    }

    @Test
    void listChecksPrintsTheCatalogue() {
        Run run = run("--list-checks");
        assertThat(run.exit()).isZero();
        assertThat(read(run.out())).hasSize(Checks.all().size());
    }

    private static List<Error> schemaErrors(String sarif) {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_4,
                builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                        .formatAssertionsEnabled(true)
                        .build()));
        Schema schema = registry.getSchema(Fixtures.resource("sarif-schema-2.1.0.json"), InputFormat.JSON);
        return schema.validate(read(sarif));
    }

    private static JsonNode read(String json) {
        try {
            return Fixtures.JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
