package dev.apiguard.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.apiguard.resourceserver.dpop.DpopProofVerifier;
import dev.apiguard.resourceserver.dpop.JdbcDpopReplayStore;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two API instances (two stores, two verifiers) sharing one database, as two nodes of an API would. */
class JdbcDpopReplayStoreTest {

    private static final String TABLE = "dpop_replay";

    private JdbcDataSource database;

    @BeforeEach
    void createDatabase() throws SQLException {
        database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:dpop-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        JdbcDpopReplayStore.createTable(database, TABLE);
    }

    private JdbcDpopReplayStore instance(Clock clock) {
        return new JdbcDpopReplayStore(database, TABLE, clock);
    }

    @Test
    void verifyWhenAProofUsedAtOneInstanceIsReplayedToAnotherThenRefused() throws Exception {
        DpopProofVerifier nodeA = new DpopProofVerifier(
                Set.of(JWSAlgorithm.ES256),
                DpopProofVerifier.DEFAULT_MAX_AGE,
                Duration.ofSeconds(30),
                instance(Clock.systemUTC()),
                Clock.systemUTC());
        DpopProofVerifier nodeB = new DpopProofVerifier(
                Set.of(JWSAlgorithm.ES256),
                DpopProofVerifier.DEFAULT_MAX_AGE,
                Duration.ofSeconds(30),
                instance(Clock.systemUTC()),
                Clock.systemUTC());
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        String accessToken = "token-" + UUID.randomUUID();
        URI uri = URI.create("https://api.example/orders");
        String proof = DpopProofs.proof(
                key, DpopProofs.claims("GET", uri.toString(), accessToken).build());
        String fresh = DpopProofs.proof(
                key, DpopProofs.claims("GET", uri.toString(), accessToken).build());

        nodeA.verify(proof, "GET", uri, accessToken, DpopProofs.jkt(key));

        assertThatThrownBy(() -> nodeB.verify(proof, "GET", uri, accessToken, DpopProofs.jkt(key)))
                .isInstanceOf(TokenRejectedException.class)
                .hasMessageContaining("already used");
        nodeB.verify(fresh, "GET", uri, accessToken, DpopProofs.jkt(key)); // a new proof passes at B
    }

    @Test
    void markUsedWhen32ThreadsOnTwoInstancesRecordOneKeyThenExactlyOneSucceeds() throws Exception {
        List<JdbcDpopReplayStore> nodes = List.of(instance(Clock.systemUTC()), instance(Clock.systemUTC()));
        Instant expiry = Instant.now().plusSeconds(90);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 32; i++) {
                JdbcDpopReplayStore node = nodes.get(i % 2);
                Callable<Boolean> call = () -> {
                    start.await();
                    return node.markUsed("jkt:same-jti", expiry);
                };
                results.add(threads.submit(call));
            }
            start.countDown();
            int first = 0;
            for (Future<Boolean> result : results) {
                first += result.get() ? 1 : 0;
            }
            assertThat(first).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
        assertThat(nodes.get(0).failures() + nodes.get(1).failures()).isZero();
    }

    @Test
    void markUsedWhenTheEntryHasExpiredThenTheKeyMayBeRecordedAgain() {
        Instant now = Instant.parse("2026-11-30T12:00:00Z");
        JdbcDpopReplayStore before = instance(Clock.fixed(now, ZoneOffset.UTC));
        JdbcDpopReplayStore after = instance(Clock.fixed(now.plusSeconds(91), ZoneOffset.UTC));

        assertThat(before.markUsed("k", now.plusSeconds(90))).isTrue();
        assertThat(before.markUsed("k", now.plusSeconds(90))).isFalse();
        assertThat(after.markUsed("k", now.plusSeconds(181))).isTrue();
    }

    @Test
    void markUsedWhenCalledOftenThenExpiredRowsArePurged() throws SQLException {
        Instant now = Instant.parse("2026-11-30T12:00:00Z");
        JdbcDpopReplayStore early = instance(Clock.fixed(now, ZoneOffset.UTC));
        for (int i = 0; i < 10; i++) {
            early.markUsed("old-" + i, now.plusSeconds(60));
        }
        JdbcDpopReplayStore late = instance(Clock.fixed(now.plusSeconds(120), ZoneOffset.UTC));
        for (int i = 0; i < 1024; i++) {
            late.markUsed("new-" + i, now.plusSeconds(180));
        }

        assertThat(rows()).isEqualTo(1024); // the 10 expired rows are gone, the live ones stay
    }

    @Test
    void markUsedWhenTheDatabaseFailsThenRefusedAndCounted() throws SQLException {
        JdbcDpopReplayStore store = instance(Clock.systemUTC());
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE " + TABLE);
        }

        assertThat(store.markUsed("k", Instant.now().plusSeconds(60))).isFalse();
        assertThat(store.failures()).isEqualTo(1);
    }

    @Test
    void constructorWhenTheTableNameIsNotAPlainIdentifierThenRefusedNamingIt() {
        assertThatThrownBy(() -> new JdbcDpopReplayStore(database, "t; DROP TABLE users", Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'t; DROP TABLE users'");
    }

    private long rows() throws SQLException {
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM " + TABLE)) {
            result.next();
            return result.getLong(1);
        }
    }
}
