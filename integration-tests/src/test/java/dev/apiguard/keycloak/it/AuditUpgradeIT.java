package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.AuditLines.group;
import static dev.apiguard.keycloak.it.support.AuditLines.jti;
import static dev.apiguard.keycloak.it.support.AuditLines.parse;
import static dev.apiguard.keycloak.it.support.AuditLines.tokenId;
import static dev.apiguard.keycloak.it.support.AuditLines.written;
import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.AuditLines;
import dev.apiguard.keycloak.it.support.DevDatabase;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.WebhookReceiver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Upgrading an installation whose audit outbox was written by the version before changeset {@code
 * apiguard-audit-2} (commit 6cefff6): every record in {@code RECORD_JSON} ({@code TEXT}, {@code NOT
 * NULL}), no {@code RECORD_TEXT} column, the changeset not in the changelog table, and some rows not
 * yet delivered to a sink.
 *
 * <p>How that state is made, on a server of this class's own ({@code ./apiguard dev}, H2 file
 * database, sinks {@code file} and {@code webhook}): the current server records client-credentials
 * grants while the webhook receiver is up (delivered to both sinks), then grants and an admin
 * change with a non-ASCII user name while the receiver is down (in the file only; the webhook
 * cursor stays behind them), and is stopped with SIGTERM. With plain JDBC on its H2 file (the
 * distribution's own H2 driver, {@link DevDatabase}) the outbox is then rewritten to the shape
 * changeset {@code apiguard-audit-1} alone creates: each record moved from {@code RECORD_TEXT} into
 * {@code RECORD_JSON}, {@code RECORD_TEXT} dropped, {@code NOT NULL} restored on {@code
 * RECORD_JSON}, and the {@code apiguard-audit-2} row deleted from {@code
 * DATABASECHANGELOG_APIGUARD_A} (Keycloak keeps a JPA entity provider's changelog in a table of its
 * own, {@code DATABASECHANGELOG_} and the first ten letters of the provider id). The sink cursors,
 * the rest of Keycloak's schema and the file sink's file, head and key are left as the server left
 * them. The records' text is what the previous version wrote too (the changeset changed where a
 * record is stored, not the record).
 *
 * <p>What this does not simulate: the previous version's code running on that database (the same,
 * current JAR serves both starts: Keycloak does not re-build its image), a rolling upgrade with old
 * and new nodes at once (not supported, docs/audit-stream.md#upgrading), other databases than H2.
 *
 * <p>Then the server is started again on that database, and the tests show: Liquibase applies
 * {@code apiguard-audit-2} and records it; the admin endpoint reads every old row with its content
 * as stored; the webhook sink resumes at its cursor and, once its receiver is up, delivers each old
 * row it had not confirmed exactly once (by event id) and none it had; records written after the
 * upgrade go to {@code RECORD_TEXT} (ASCII) or {@code RECORD_JSON} (not ASCII) and reach both sinks;
 * {@code ./apiguard audit-log verify} passes over the file, whose hash chain continues across the
 * upgrade.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditUpgradeIT {

    private static final Path RUN_COMMAND_KEYCLOAK =
            Path.of(System.getProperty("apiguard.it.keycloak.home.run-command"));
    private static final Duration DELIVERY = Duration.ofSeconds(90);
    private static final String OUTBOX = "APIGUARD_AUDIT_OUTBOX";
    /** Keycloak's {@code JpaUtils.getCustomChangelogTableName("apiguard-audit")}. */
    private static final String CHANGELOG = "DATABASECHANGELOG_APIGUARD_A";

    private WebhookReceiver receiver;
    private ApiGuardServer.Settings settings;
    private ApiGuardServer server;
    private Oidc oidc;
    private boolean stopped;

    /** The outbox as the previous version left it, read before the upgrade: by seq. */
    private final Map<Long, StoredRow> oldRows = new LinkedHashMap<>();

    private long oldWebhookPosition;
    private long oldFilePosition;
    private String oldChecksum;
    private Instant upgradeStartedAt;
    private String oldUser;
    private final Set<String> newTokenIds = new HashSet<>();
    private String newUser;

    @BeforeAll
    void databaseOfThePreviousVersionWithUndeliveredRows() throws Exception {
        receiver = new WebhookReceiver();
        receiver.up();
        String prefix = "KC_SPI_EVENTS_LISTENER__APIGUARD_AUDIT__";
        settings = ApiGuardServer.settings("audit-upgrade")
                .keycloakHome(RUN_COMMAND_KEYCLOAK)
                .freshData()
                .env("APIGUARD_AUDIT_SINKS", "file,webhook")
                .env(prefix + "WEBHOOK_URL", receiver.url())
                .env(prefix + "WEBHOOK_SECRET", receiver.secret())
                .env(prefix + "WEBHOOK_TIMEOUT_SECONDS", "2")
                .env(prefix + "POLL_INTERVAL_MS", "200")
                .env(prefix + "GAP_TIMEOUT_SECONDS", "3");
        server = settings.start();
        oidc = new Oidc(server);

        Set<String> delivered = grants(3);
        awaitTrue(
                () -> fileTokenIds().containsAll(delivered)
                        && tokenIds(receiver.lines()).containsAll(delivered),
                "the first grants in the file and at the webhook");
        awaitTrue(() -> ((Number) sink("webhook").get("backlog")).longValue() == 0, "the webhook cursor past them");
        receiver.down();
        Set<String> undelivered = grants(3);
        oldUser = createUser("jürgen-old-" + suffix());
        awaitTrue(
                () -> fileTokenIds().containsAll(undelivered) && fileUserNames().contains(oldUser),
                "the later grants and the admin change in the file");
        awaitTrue(() -> "failing".equals(sink("webhook").get("state")), "the webhook sink failing");
        server.stop();

        try (Connection db = DevDatabase.open(RUN_COMMAND_KEYCLOAK, settings.dataDir())) {
            toFirstChangeset(db);
        }
        assertThat(oldRows.values().stream().map(StoredRow::tokenId)).contains(delivered.toArray(String[]::new));
        assertThat(oldRows.values().stream().map(StoredRow::tokenId)).contains(undelivered.toArray(String[]::new));
        assertThat(oldRows.values()).anySatisfy(row -> assertThat(row.json()).contains(oldUser));
        assertThat(oldRows.keySet()).anyMatch(seq -> seq > oldWebhookPosition);
        assertThat(oldRows.keySet()).anyMatch(seq -> seq <= oldWebhookPosition);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (receiver != null) {
            receiver.down();
        }
    }

    @Test
    @Order(1)
    void startWhenOutboxHasTheFirstChangesetOnlyThenServerStartsAndEachSinkResumesAtItsCursor() {
        upgradeStartedAt = Instant.now();
        server = settings.start();
        oidc = new Oidc(server);

        assertThat(keycloakLog()).doesNotContain("Failed to update database");
        List<Map<String, Object>> seen = new ArrayList<>(List.of(Map.of()));
        awaitTrue(
                () -> {
                    Map<String, Object> webhook = sink("webhook");
                    seen.set(0, webhook);
                    return "failing".equals(webhook.get("state"))
                            && ((Number) webhook.get("position")).longValue() == oldWebhookPosition
                            && ((Number) webhook.get("backlog")).longValue()
                                    >= undeliveredOldRows().size();
                },
                () -> "the webhook sink failing at the cursor it had before the upgrade (" + oldWebhookPosition
                        + "), its backlog the " + undeliveredOldRows().size() + " old rows after it; last seen "
                        + seen.get(0));
        assertThat(((Number) sink("file").get("position")).longValue()).isGreaterThanOrEqualTo(oldFilePosition);
    }

    @Test
    @Order(2)
    void adminEndpointWhenUpgradedThenEveryOldRecordReadWithItsContentAsStored() {
        List<Map<String, Object>> records = oidc.asAdmin()
                .queryParam("max", "500")
                .get(oidc.adminUrl("/apiguard/v1/audit"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("records");
        Map<String, List<Map<String, Object>>> byId = records.stream()
                .collect(Collectors.groupingBy(r -> (String) group(r, "event").get("id")));

        for (StoredRow old : oldRows.values()) {
            assertThat(byId.get(old.eventId()))
                    .as("records with event id " + old.eventId())
                    .hasSize(1);
            assertThat(byId.get(old.eventId()).get(0)).isEqualTo(parse(old.json()));
        }
        assertThat(records)
                .as("the admin change with a non-ASCII user name")
                .anySatisfy(r -> assertThat(group(group(r, "keycloak"), "representation"))
                        .containsEntry("username", oldUser));
    }

    @Test
    @Order(3)
    void webhookWhenReceiverUpAfterTheUpgradeThenEachUndeliveredOldRowOnceAndNoDeliveredOneAgain() {
        List<StoredRow> undelivered = undeliveredOldRows();
        assertThat(ids(receiver.lines()))
                .doesNotContainAnyElementsOf(
                        undelivered.stream().map(StoredRow::eventId).toList());

        receiver.up();

        awaitTrue(
                () -> ids(receiver.lines())
                        .containsAll(
                                undelivered.stream().map(StoredRow::eventId).toList()),
                "every old row the webhook had not confirmed, at the webhook");
        awaitTrue(() -> "ok".equals(sink("webhook").get("state")), "the webhook sink ok again");
        Map<String, Integer> received = countById(receiver.lines());
        for (StoredRow old : oldRows.values()) {
            assertThat(received.get(old.eventId()))
                    .as("deliveries of old row " + old.seq() + " (" + old.eventId() + ")")
                    .isEqualTo(1);
        }
        for (StoredRow old : undelivered) {
            assertThat(receiver.lines()).as("the old row's text as stored").contains(old.json());
        }
        assertThat(receiver.badSignatures()).isZero();
    }

    @Test
    @Order(4)
    void recordsWhenWrittenAfterTheUpgradeThenStoredAndDeliveredToBothSinks() {
        newTokenIds.addAll(grants(3));
        newUser = createUser("jürgen-new-" + suffix());

        awaitTrue(
                () -> fileTokenIds().containsAll(newTokenIds) && fileUserNames().contains(newUser),
                "the new records in the file");
        awaitTrue(
                () -> tokenIds(receiver.lines()).containsAll(newTokenIds)
                        && receiver.lines().stream().anyMatch(line -> line.contains(newUser)),
                "the new records at the webhook");
        List<Map<String, Object>> listed = oidc.asAdmin()
                .queryParam("action", "client-login")
                .queryParam("max", "500")
                .get(oidc.adminUrl("/apiguard/v1/audit"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("records");
        assertThat(listed.stream().map(AuditLines::tokenId).toList()).containsAll(newTokenIds);
        // Old rows are not written to the file again: each event id once.
        Map<String, Integer> inFile = countById(fileLines());
        for (StoredRow old : oldRows.values()) {
            assertThat(inFile.get(old.eventId()))
                    .as("old row " + old.seq() + " in the file")
                    .isEqualTo(1);
        }
    }

    @Test
    @Order(5)
    void verifyWhenFileSpansTheUpgradeThenIntactAndTheChainContinues() throws Exception {
        stopServer();
        List<String> lines = fileLines();
        int lastOld = -1;
        int firstNew = Integer.MAX_VALUE;
        Set<String> oldIds = new HashSet<>();
        oldRows.values().forEach(row -> oldIds.add(row.eventId()));
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> record = parse(lines.get(i));
            if (oldIds.contains((String) group(record, "event").get("id"))) {
                lastOld = Math.max(lastOld, i);
            }
            if (newTokenIds.contains(tokenId(record))) {
                firstNew = Math.min(firstNew, i);
            }
        }
        assertThat(lastOld).as("an old record in the file").isNotNegative();
        assertThat(firstNew).as("the new records after the old ones").isGreaterThan(lastOld);

        ApiGuardServer.Exit verified = verify(auditFile());
        assertThat(verified.status()).as(verified.output()).isZero();
        assertThat(verified.output()).contains("intact, " + lines.size() + " lines");
    }

    @Test
    @Order(6)
    void schemaWhenUpgradedThenApiguardAudit2RecordedOldRowsInRecordJsonNewAsciiRowsInRecordText() throws Exception {
        stopServer();
        try (Connection db = DevDatabase.open(RUN_COMMAND_KEYCLOAK, settings.dataDir())) {
            Map<String, Changeset> changesets = changesets(db);
            assertThat(changesets).containsOnlyKeys("apiguard-audit-1", "apiguard-audit-2");
            assertThat(changesets.get("apiguard-audit-1").checksum()).isEqualTo(oldChecksum);
            Changeset second = changesets.get("apiguard-audit-2");
            assertThat(second.execType()).isEqualTo("EXECUTED");
            assertThat(second.executedAt()).isAfterOrEqualTo(upgradeStartedAt.minusSeconds(1));
            assertThat(second.order())
                    .isGreaterThan(changesets.get("apiguard-audit-1").order());
            Map<String, Column> columns = columns(db);
            assertThat(columns)
                    .containsOnlyKeys("SEQ", "EVENT_ID", "REALM_ID", "CREATED_AT", "RECORD_JSON", "RECORD_TEXT");
            assertThat(columns.get("RECORD_JSON").nullable()).isTrue();
            assertThat(columns.get("RECORD_TEXT").type()).isEqualTo("CHARACTER VARYING");
            assertThat(columns.get("RECORD_TEXT").length()).isEqualTo(4000);

            Map<Long, String[]> stored = new HashMap<>();
            try (Statement select = db.createStatement();
                    ResultSet rows = select.executeQuery(
                            "select SEQ, RECORD_TEXT, RECORD_JSON from " + OUTBOX + " order by SEQ")) {
                while (rows.next()) {
                    stored.put(rows.getLong(1), new String[] {rows.getString(2), rows.getString(3)});
                }
            }
            for (StoredRow old : oldRows.values()) {
                assertThat(stored.get(old.seq()))
                        .as("old row " + old.seq() + ": RECORD_TEXT, RECORD_JSON")
                        .containsExactly(null, old.json());
            }
            List<String[]> newRows = stored.entrySet().stream()
                    .filter(e -> !oldRows.containsKey(e.getKey()))
                    .map(Map.Entry::getValue)
                    .toList();
            assertThat(newRows)
                    .filteredOn(v -> newTokenIds.contains(tokenId(parse(v[0] != null ? v[0] : v[1]))))
                    .hasSize(newTokenIds.size())
                    .allSatisfy(v -> assertThat(v[0]).isNotNull().isNotEmpty())
                    .allSatisfy(v -> assertThat(v[1]).isNull());
            assertThat(newRows)
                    .as("the new admin change with a non-ASCII user name")
                    .filteredOn(v -> (v[0] != null ? v[0] : v[1]).contains(newUser))
                    .isNotEmpty()
                    .allSatisfy(v -> assertThat(v[0]).isNull());
        }
    }

    // ---- the previous version's shape ------------------------------------------------------

    /**
     * Rewrites the outbox to what changeset {@code apiguard-audit-1} alone creates, and remembers
     * its rows and cursors as they then are.
     */
    private void toFirstChangeset(Connection db) throws SQLException {
        try (Statement select = db.createStatement();
                ResultSet rows = select.executeQuery("select SINK, DELIVERED_SEQ from APIGUARD_AUDIT_CURSOR")) {
            while (rows.next()) {
                switch (rows.getString(1)) {
                    case "webhook" -> oldWebhookPosition = rows.getLong(2);
                    case "file" -> oldFilePosition = rows.getLong(2);
                    default -> {
                        // The detectors' cursor ("alerts"): left as it is.
                    }
                }
            }
        }
        int inText = 0;
        try (Statement select = db.createStatement();
                ResultSet rows = select.executeQuery(
                        "select SEQ, EVENT_ID, RECORD_TEXT, RECORD_JSON from " + OUTBOX + " order by SEQ")) {
            while (rows.next()) {
                String text = rows.getString(3);
                inText += text != null ? 1 : 0;
                oldRows.put(
                        rows.getLong(1),
                        new StoredRow(rows.getLong(1), rows.getString(2), text != null ? text : rows.getString(4)));
            }
        }
        assertThat(inText).as("rows the current version wrote to RECORD_TEXT").isPositive();
        assertThat(oldWebhookPosition).as("the webhook cursor").isPositive();

        try (Statement ddl = db.createStatement()) {
            assertThat(ddl.executeUpdate(
                            "update " + OUTBOX + " set RECORD_JSON = RECORD_TEXT where RECORD_TEXT is not null"))
                    .isEqualTo(inText);
            ddl.execute("alter table " + OUTBOX + " drop column RECORD_TEXT");
            ddl.execute("alter table " + OUTBOX + " alter column RECORD_JSON set not null");
        }
        try (PreparedStatement delete = db.prepareStatement("delete from " + CHANGELOG + " where ID = ?")) {
            delete.setString(1, "apiguard-audit-2");
            assertThat(delete.executeUpdate()).as("the apiguard-audit-2 row").isEqualTo(1);
        }

        // The shape apiguard-audit-1 creates: no RECORD_TEXT, RECORD_JSON a CLOB (Liquibase's TEXT on H2), NOT NULL.
        Map<String, Column> columns = columns(db);
        assertThat(columns).containsOnlyKeys("SEQ", "EVENT_ID", "REALM_ID", "CREATED_AT", "RECORD_JSON");
        assertThat(columns.get("RECORD_JSON")).isEqualTo(new Column("CHARACTER LARGE OBJECT", Long.MAX_VALUE, false));
        Map<String, Changeset> changesets = changesets(db);
        assertThat(changesets).containsOnlyKeys("apiguard-audit-1");
        oldChecksum = changesets.get("apiguard-audit-1").checksum();
        try (Statement select = db.createStatement();
                ResultSet rows = select.executeQuery("select SEQ, RECORD_JSON from " + OUTBOX + " order by SEQ")) {
            int count = 0;
            while (rows.next()) {
                assertThat(rows.getString(2))
                        .isEqualTo(oldRows.get(rows.getLong(1)).json());
                count++;
            }
            assertThat(count).isEqualTo(oldRows.size());
        }
    }

    private List<StoredRow> undeliveredOldRows() {
        return oldRows.values().stream()
                .filter(row -> row.seq() > oldWebhookPosition)
                .toList();
    }

    private static Map<String, Column> columns(Connection db) throws SQLException {
        Map<String, Column> columns = new LinkedHashMap<>();
        try (PreparedStatement select = db.prepareStatement("select COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH,"
                + " IS_NULLABLE from INFORMATION_SCHEMA.COLUMNS where TABLE_NAME = ? order by ORDINAL_POSITION")) {
            select.setString(1, OUTBOX);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    columns.put(
                            rows.getString(1),
                            new Column(rows.getString(2), rows.getLong(3), "YES".equals(rows.getString(4))));
                }
            }
        }
        return columns;
    }

    private static Map<String, Changeset> changesets(Connection db) throws SQLException {
        Map<String, Changeset> changesets = new LinkedHashMap<>();
        try (Statement select = db.createStatement();
                ResultSet rows = select.executeQuery(
                        "select ID, FILENAME, ORDEREXECUTED, EXECTYPE, MD5SUM, DATEEXECUTED from " + CHANGELOG)) {
            while (rows.next()) {
                assertThat(rows.getString(2)).isEqualTo("META-INF/apiguard-audit-changelog.xml");
                Timestamp executed = rows.getTimestamp(6);
                changesets.put(
                        rows.getString(1),
                        new Changeset(rows.getInt(3), rows.getString(4), rows.getString(5), executed.toInstant()));
            }
        }
        return changesets;
    }

    private record StoredRow(long seq, String eventId, String json) {
        String tokenId() {
            return AuditLines.tokenId(parse(json));
        }
    }

    private record Column(String type, long length, boolean nullable) {}

    private record Changeset(int order, String execType, String checksum, Instant executedAt) {}

    // ---- the server ----------------------------------------------------------------------------

    private Set<String> grants(int count) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String token = oidc.demoServiceToken("orders:read")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("access_token");
            ids.add(jti(token));
        }
        return ids;
    }

    /** A user whose name is not ASCII: its admin event's record is stored in RECORD_JSON even after the upgrade. */
    private String createUser(String username) {
        oidc.asAdmin()
                .contentType("application/json; charset=UTF-8")
                .body(Map.of(
                        "username",
                        username,
                        "enabled",
                        true,
                        "email",
                        "u" + suffix() + "@example.org",
                        "firstName",
                        "Test",
                        "lastName",
                        "User"))
                .post(oidc.adminUrl("/users"))
                .then()
                .statusCode(201);
        return username;
    }

    private void stopServer() {
        if (!stopped) {
            server.stop();
            stopped = true;
        }
    }

    private Map<String, Object> sink(String name) {
        List<Map<String, Object>> sinks = oidc.asAdmin()
                .queryParam("max", "1")
                .get(oidc.adminUrl("/apiguard/v1/audit"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("sinks");
        return sinks.stream()
                .filter(s -> name.equals(s.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no sink " + name + " in " + sinks));
    }

    private String keycloakLog() {
        try {
            return Files.readString(settings.dataDir().resolve("log/keycloak.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ApiGuardServer.Exit verify(Path file) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        ApiGuardServer.repoRoot().resolve("apiguard").toString(),
                        "audit-log",
                        "verify",
                        file.toString())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("KC_") || key.startsWith("APIGUARD_"));
        builder.environment().put("APIGUARD_PROVIDER_JAR", System.getProperty("apiguard.it.provider.jar"));
        builder.environment().put("APIGUARD_KEYCLOAK_HOME", RUN_COMMAND_KEYCLOAK.toString());
        Process process = builder.start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new ApiGuardServer.Exit(process.exitValue(), output);
    }

    // ---- records -------------------------------------------------------------------------------

    private Path auditFile() {
        return settings.dataDir().resolve("audit").resolve(DEMO_REALM + ".jsonl");
    }

    /** The file's record lines (checkpoint lines left out). */
    private List<String> fileLines() {
        return written(auditFile()).stream()
                .filter(line -> !parse(line).containsKey("checkpoint"))
                .toList();
    }

    private Set<String> fileTokenIds() {
        return tokenIds(fileLines());
    }

    private Set<String> fileUserNames() {
        Set<String> names = new HashSet<>();
        for (String line : fileLines()) {
            Object name =
                    group(group(parse(line), "keycloak"), "representation").get("username");
            if (name instanceof String s) {
                names.add(s);
            }
        }
        return names;
    }

    private static Set<String> tokenIds(List<String> lines) {
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            String id = tokenId(parse(line));
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static Set<String> ids(List<String> lines) {
        return new HashSet<>(countById(lines).keySet());
    }

    private static Map<String, Integer> countById(List<String> lines) {
        Map<String, Integer> counts = new HashMap<>();
        for (String line : lines) {
            counts.merge((String) group(parse(line), "event").get("id"), 1, Integer::sum);
        }
        return counts;
    }

    private static String suffix() {
        return Oidc.randomSecret().substring(0, 6).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "x");
    }

    private static void awaitTrue(Supplier<Boolean> condition, String what) {
        awaitTrue(condition, () -> what);
    }

    private static void awaitTrue(Supplier<Boolean> condition, Supplier<String> what) {
        Instant deadline = Instant.now().plus(DELIVERY);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + DELIVERY + ": " + what.get());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
