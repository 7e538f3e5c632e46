package dev.apiguard.keycloak.realmaudit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apiguard.keycloak.common.ApiGuardVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints audited sources as text, JSON or SARIF 2.1.0. Only active findings at or above the
 * minimum severity are printed; SARIF also lists accepted (suppressed) findings with their
 * justification, as code scanning expects.
 */
final class ReportWriter {

    static final String TOOL = "apiguard-realm-audit";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {}

    static String version() {
        return ApiGuardVersion.current().version();
    }

    // ------------------------------------------------------------------ text

    static String text(List<AuditedSource> sources, Severity min) {
        StringBuilder out = new StringBuilder();
        for (AuditedSource source : sources) {
            List<Finding> shown = source.shown(min);
            Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
            source.outcome().active().forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
            List<String> summary = new ArrayList<>();
            for (Severity severity : Severity.values()) {
                summary.add(counts.getOrDefault(severity, 0) + " " + severity.label());
            }
            out.append(String.format(
                    "%s (%s): %d checks, %d findings (%s), %d suppressed%n",
                    source.report().realm(),
                    source.source(),
                    source.report().checks(),
                    source.outcome().active().size(),
                    String.join(", ", summary),
                    source.outcome().suppressed().size()));
            for (Finding finding : shown) {
                Check check = Checks.byId(finding.check());
                int line = source.line(finding);
                out.append(String.format(
                        "  %-8s %s  %s%s%n",
                        finding.severity().label().toUpperCase(Locale.ROOT),
                        finding.check(),
                        finding.target(),
                        line > 0 ? "  (line " + line + ")" : ""));
                out.append("           ")
                        .append(finding.message())
                        .append("  [")
                        .append(finding.path())
                        .append("]")
                        .append(System.lineSeparator());
                if (check != null) {
                    out.append("           fix: ").append(check.remediation()).append(System.lineSeparator());
                }
            }
        }
        return out.toString();
    }

    // ------------------------------------------------------------------ JSON

    static String json(List<AuditedSource> sources, Severity min) {
        ObjectNode root = JSON.createObjectNode();
        root.put("tool", TOOL);
        root.put("version", version());
        root.put("minSeverity", min.label());
        ArrayNode reports = root.putArray("reports");
        for (AuditedSource source : sources) {
            ObjectNode report = reports.addObject();
            report.put("source", source.source());
            report.put("realm", source.report().realm());
            report.put("checks", source.report().checks());
            ArrayNode findings = report.putArray("findings");
            // Catalogue order, as the live endpoint answers: the two compare equal.
            for (Finding finding : source.outcome().active()) {
                if (!finding.severity().atLeast(min)) {
                    continue;
                }
                ObjectNode node = JSON.valueToTree(finding);
                int line = source.line(finding);
                if (line > 0) {
                    node.put("line", line);
                }
                findings.add(node);
            }
            ArrayNode suppressed = report.putArray("suppressed");
            for (Suppressions.Suppressed entry : source.outcome().suppressed()) {
                ObjectNode node = JSON.valueToTree(entry.finding());
                node.put("justification", entry.suppression().justification());
                node.put("expires", entry.suppression().expires().toString());
                suppressed.add(node);
            }
        }
        return write(root);
    }

    /** The catalogue as JSON: id, severity, area, title, rationale, source, remediation. */
    static String catalogue() {
        ArrayNode list = JSON.createArrayNode();
        for (Check check : Checks.all()) {
            ObjectNode node = list.addObject();
            node.put("id", check.id());
            node.put("severity", check.severity().label());
            node.put("area", check.area());
            node.put("title", check.title());
            node.put("rationale", check.rationale());
            node.put("source", check.source());
            node.put("remediation", check.remediation());
        }
        return write(list);
    }

    // ------------------------------------------------------------------ SARIF

    static String sarif(List<AuditedSource> sources, Severity min, String suppressionsFile) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        root.put("version", "2.1.0");
        ObjectNode run = root.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", TOOL);
        driver.put("semanticVersion", version().replace("-SNAPSHOT", ""));
        driver.put("version", version());
        ArrayNode rules = driver.putArray("rules");
        List<Check> checks = Checks.all();
        for (Check check : checks) {
            ObjectNode rule = rules.addObject();
            rule.put("id", check.id());
            rule.put("name", camel(check.id()));
            rule.putObject("shortDescription").put("text", check.title());
            rule.putObject("fullDescription").put("text", check.rationale());
            rule.putObject("help")
                    .put("text", check.rationale() + " Source: " + check.source() + ". Fix: " + check.remediation())
                    .put(
                            "markdown",
                            "**" + check.title() + "**\n\n" + check.rationale() + "\n\n**Source:** " + check.source()
                                    + "\n\n**Fix:** " + check.remediation());
            rule.putObject("defaultConfiguration").put("level", check.severity().sarifLevel());
            ObjectNode properties = rule.putObject("properties");
            properties.putArray("tags").add("security").add("keycloak").add(check.area());
            properties.put("security-severity", check.severity().securitySeverity());
            properties.put("precision", "high");
            properties.put(
                    "problem.severity",
                    check.severity().sarifLevel().equals("note")
                            ? "recommendation"
                            : check.severity().sarifLevel());
        }
        ArrayNode results = run.putArray("results");
        for (AuditedSource source : sources) {
            for (Finding finding : source.shown(min)) {
                results.add(result(source, finding, checks, suppressionsFile, null));
            }
            for (Suppressions.Suppressed entry : source.outcome().suppressed()) {
                if (entry.finding().severity().atLeast(min)) {
                    results.add(result(source, entry.finding(), checks, suppressionsFile, entry.suppression()));
                }
            }
        }
        run.putObject("properties").put("minSeverity", min.label());
        return write(root);
    }

    private static ObjectNode result(
            AuditedSource source,
            Finding finding,
            List<Check> checks,
            String suppressionsFile,
            Suppressions.Suppression suppression) {
        ObjectNode result = JSON.createObjectNode();
        Check check = Checks.byId(finding.check());
        result.put("ruleId", finding.check());
        result.put("ruleIndex", checks.indexOf(check));
        result.put("level", finding.severity().sarifLevel());
        result.putObject("message")
                .put("text", finding.message() + " (" + finding.realm() + ", " + finding.target() + ")");
        ObjectNode location = result.putArray("locations").addObject();
        boolean expired = finding.check().equals(Checks.SUPPRESSION_EXPIRED);
        String artifact = expired ? suppressionsFile : (source.file() ? source.source() : null);
        if (artifact != null) {
            ObjectNode physical = location.putObject("physicalLocation");
            physical.putObject("artifactLocation").put("uri", uri(artifact));
            if (!expired) {
                JsonLocator.Position position = source.locator().locate(finding.path());
                physical.putObject("region").put("startLine", position.line()).put("startColumn", position.column());
            }
        }
        ArrayNode logical = location.putArray("logicalLocations");
        logical.addObject()
                .put("name", finding.realm())
                .put("fullyQualifiedName", finding.realm())
                .put("kind", "realm");
        if (!"realm".equals(finding.target())) {
            int colon = finding.target().indexOf(':');
            logical.addObject()
                    .put("name", colon > 0 ? finding.target().substring(colon + 1) : finding.target())
                    .put("fullyQualifiedName", finding.realm() + "/" + finding.target())
                    .put("kind", colon > 0 ? finding.target().substring(0, colon) : finding.target());
        }
        result.putObject("partialFingerprints")
                .put(
                        "apiguardFinding/v1",
                        fingerprint(finding.check() + "|" + finding.realm() + "|" + finding.target() + "|"
                                + finding.path()));
        ObjectNode properties = result.putObject("properties");
        properties.put("severity", finding.severity().label());
        properties.put("realm", finding.realm());
        properties.put("target", finding.target());
        properties.put("jsonPath", finding.path());
        if (suppression != null) {
            result.putArray("suppressions")
                    .addObject()
                    .put("kind", "external")
                    .put("status", "accepted")
                    .put("justification", suppression.justification() + " (until " + suppression.expires() + ")");
        }
        return result;
    }

    /** A relative path as a URI reference with forward slashes (what code scanning expects). */
    static String uri(String path) {
        String slashed = path.replace('\\', '/');
        while (slashed.startsWith("./")) {
            slashed = slashed.substring(2);
        }
        StringBuilder out = new StringBuilder();
        for (char c : slashed.toCharArray()) {
            if (c == ' ') {
                out.append("%20");
            } else if (c == '#' || c == '?' || c == '%') {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            } else {
                out.append(c);
            }
        }
        return slashed.startsWith("/") ? "file://" + out : out.toString();
    }

    private static String camel(String id) {
        StringBuilder out = new StringBuilder();
        boolean upper = true;
        for (char c : id.toCharArray()) {
            if (c == '.' || c == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    private static String fingerprint(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    private static String write(Object node) {
        try {
            return JSON.writeValueAsString(node) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report", e);
        }
    }
}
