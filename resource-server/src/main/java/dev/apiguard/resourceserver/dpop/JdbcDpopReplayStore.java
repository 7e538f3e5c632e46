package dev.apiguard.resourceserver.dpop;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A replay store shared by every instance of an API through one SQL table: a proof used at one instance is
 * refused at every other. The table's primary key does the work: of two instances that record the same proof at
 * the same moment, the database lets exactly one insert succeed.
 *
 * <p>The table ({@link #createTableSql(String)}: plain standard SQL, tested on H2 only so far) holds the SHA-256 of each key (base64url, 43 characters) and its expiry
 * in epoch milliseconds. Each call:
 *
 * <ol>
 *   <li>every {@value #PURGE_EVERY} calls, deletes the expired rows;</li>
 *   <li>deletes the row of this key if it has expired (the key may then be recorded again);</li>
 *   <li>inserts the key; a unique-key violation (SQLState class {@code 23}) means a replay.</li>
 * </ol>
 *
 * <p>Fails closed: when the database cannot be reached or answers with any other error, the proof is refused
 * ({@code false}) and {@link #failures()} counts it, so that an outage shows in monitoring rather than as
 * replays let through. Each call borrows a connection from the {@link DataSource} (use a pool) in auto-commit
 * mode.
 */
public final class JdbcDpopReplayStore implements DpopReplayStore {

    public static final String DEFAULT_TABLE = "apiguard_dpop_replay";
    static final int PURGE_EVERY = 1024;
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final DataSource dataSource;
    private final Clock clock;
    private final String deleteExpiredKey;
    private final String insert;
    private final String purge;
    private final AtomicInteger callsSincePurge = new AtomicInteger();
    private final AtomicLong failures = new AtomicLong();

    public JdbcDpopReplayStore(DataSource dataSource) {
        this(dataSource, DEFAULT_TABLE, Clock.systemUTC());
    }

    /**
     * @param table a plain SQL identifier ({@code [A-Za-z_][A-Za-z0-9_]*}, at most 63 characters), never quoted
     */
    public JdbcDpopReplayStore(DataSource dataSource, String table, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
        checkTable(table);
        this.deleteExpiredKey = "DELETE FROM " + table + " WHERE proof_key = ? AND expires_at <= ?";
        this.insert = "INSERT INTO " + table + " (proof_key, expires_at) VALUES (?, ?)";
        this.purge = "DELETE FROM " + table + " WHERE expires_at <= ?";
    }

    /** The statement that creates the table (run it once, e.g. in the application's schema migration). */
    public static String createTableSql(String table) {
        checkTable(table);
        return "CREATE TABLE " + table + " (proof_key VARCHAR(64) NOT NULL PRIMARY KEY, expires_at BIGINT NOT NULL)";
    }

    /** Creates the table through {@code dataSource} (for tests and demos; production schemas are migrated). */
    public static void createTable(DataSource dataSource, String table) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(createTableSql(table));
        }
    }

    @Override
    public boolean markUsed(String key, Instant expiresAt) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(expiresAt, "expiresAt");
        long now = clock.millis();
        String hashed = hash(key);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            if (callsSincePurge.incrementAndGet() >= PURGE_EVERY) {
                callsSincePurge.set(0);
                try (PreparedStatement statement = connection.prepareStatement(purge)) {
                    statement.setLong(1, now);
                    statement.executeUpdate();
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(deleteExpiredKey)) {
                statement.setString(1, hashed);
                statement.setLong(2, now);
                statement.executeUpdate();
            }
            try (PreparedStatement statement = connection.prepareStatement(insert)) {
                statement.setString(1, hashed);
                statement.setLong(2, expiresAt.toEpochMilli());
                statement.executeUpdate();
            }
            return true;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return false; // recorded before, by this instance or another: a replay
            }
            failures.incrementAndGet();
            return false; // the store cannot tell: fail closed
        }
    }

    /** Calls refused because the database failed (not replays): watch this in monitoring. */
    public long failures() {
        return failures.get();
    }

    private static boolean isUniqueViolation(SQLException e) {
        for (SQLException current = e; current != null; current = current.getNextException()) {
            String state = current.getSQLState();
            if (state != null && state.startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    private static void checkTable(String table) {
        if (table == null || !TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException(
                    "table must be a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*, at most 63 characters), got '"
                            + table + "'");
        }
    }

    private static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
