package dev.apiguard.keycloak.kc;

import dev.apiguard.keycloak.audit.OutboxRow;
import dev.apiguard.keycloak.audit.OutboxStore;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.sql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hibernate.Session;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.connections.jpa.JpaConnectionProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The audit outbox in Keycloak's database (JPA): {@link #append} adds a row in the caller's
 * session, so in the caller's transaction; the rest runs in transactions of its own.
 */
public final class AuditOutbox implements OutboxStore {

    /**
     * Rows are read as values, not entities: the dispatcher reads hundreds per pass and changes none,
     * so none is made managed (and checked at the commit's flush).
     */
    private static final String ROW =
            "select r.seq, r.eventId, r.realmId, r.createdAt, r.recordText, r.record from ApiGuardAuditRecord r";

    /** {@link #insertSql}, made at the first append (the schema is Keycloak's, fixed at start). */
    private static volatile String insertSql;

    private final KeycloakSessionFactory factory;

    public AuditOutbox(KeycloakSessionFactory factory) {
        this.factory = factory;
    }

    /**
     * One insert, in {@code session}'s transaction: committed with the change the event reports.
     *
     * <p>A plain JDBC statement on the transaction's own connection ({@link Session#doWork}), not
     * {@code persist}: the row is never read back in this transaction, so Hibernate's entity
     * bookkeeping (the identity insert action, reading the generated key back, the managed copy the
     * commit's flush checks) is pure cost on every grant. Nothing is flushed by it, and it commits
     * or rolls back with the transaction like the entity would. A record that fits
     * {@value AuditRecordEntity#TEXT_LENGTH} ASCII characters goes to the {@code VARCHAR} column,
     * a longer one to the {@code TEXT} column (a LOB on some databases, H2 among them).
     */
    public static void append(KeycloakSession session, String eventId, String realmId, long createdAt, String json) {
        String sql = insertSql(session);
        boolean inline = AuditRecordEntity.fitsText(json);
        em(session).unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                insert.setString(1, eventId);
                insert.setString(2, realmId);
                insert.setLong(3, createdAt);
                insert.setString(4, inline ? json : null);
                insert.setString(5, inline ? null : json);
                insert.executeUpdate();
            }
        });
    }

    /** The insert, with the table qualified by Keycloak's database schema when one is set ({@code db-schema}). */
    private static String insertSql(KeycloakSession session) {
        String sql = insertSql;
        if (sql == null) {
            String schema = null;
            if (session.getKeycloakSessionFactory().getProviderFactory(JpaConnectionProvider.class)
                    instanceof JpaConnectionProviderFactory factory) {
                schema = factory.getSchema();
            }
            String table = schema == null || schema.isBlank()
                    ? AuditRecordEntity.TABLE
                    : schema + "." + AuditRecordEntity.TABLE;
            sql = "insert into " + table + " (EVENT_ID, REALM_ID, CREATED_AT, RECORD_TEXT, RECORD_JSON)"
                    + " values (?, ?, ?, ?, ?)";
            insertSql = sql;
        }
        return sql;
    }

    @Override
    public void withCursor(String sink, Consumer<CursorTransaction> work) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            EntityManager em = em(session);
            AuditCursorEntity cursor = em.find(AuditCursorEntity.class, sink, LockModeType.PESSIMISTIC_WRITE);
            if (cursor == null) {
                cursor = new AuditCursorEntity(sink, 0, System.currentTimeMillis());
                em.persist(cursor);
                em.flush();
            }
            AuditCursorEntity locked = cursor;
            work.accept(new CursorTransaction() {
                @Override
                public long position() {
                    return locked.getPosition();
                }

                @Override
                public List<OutboxRow> after(long position, int limit) {
                    return em.createQuery(ROW + " where r.seq > :position order by r.seq", Object[].class)
                            .setParameter("position", position)
                            .setMaxResults(limit)
                            .getResultStream()
                            .map(AuditOutbox::row)
                            .toList();
                }

                @Override
                public void save(long position) {
                    // Strictly later than the last save: a consumer recognises its own save by this value.
                    locked.setPosition(position, Math.max(System.currentTimeMillis(), locked.getUpdatedAt() + 1));
                }

                @Override
                public long updatedAt() {
                    return locked.getUpdatedAt();
                }

                @Override
                public List<OutboxRow> window(long upTo, long since, int limit) {
                    List<OutboxRow> newestFirst = em.createQuery(
                                    ROW + " where r.seq <= :upTo and r.createdAt >= :since order by r.seq desc",
                                    Object[].class)
                            .setParameter("upTo", upTo)
                            .setParameter("since", since)
                            .setMaxResults(limit)
                            .getResultStream()
                            .map(AuditOutbox::row)
                            .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
                    java.util.Collections.reverse(newestFirst);
                    return newestFirst;
                }

                @Override
                public void append(String eventId, String realmId, long createdAt, String json) {
                    // Rare (alerts): the entity is fine here.
                    em.persist(new AuditRecordEntity(eventId, realmId, createdAt, json));
                }

                @Override
                public String realmAttribute(String realmId, String name) {
                    RealmModel realm = session.realms().getRealm(realmId);
                    return realm == null ? null : realm.getAttribute(name);
                }
            });
        });
    }

    @Override
    public int prune(long upTo, long olderThan) {
        return KeycloakModelUtils.runJobInTransactionWithResult(
                factory,
                session -> em(session)
                        .createQuery(
                                "delete from ApiGuardAuditRecord r where r.seq <= :upTo and r.createdAt < :olderThan")
                        .setParameter("upTo", upTo)
                        .setParameter("olderThan", olderThan)
                        .executeUpdate());
    }

    @Override
    public Map<String, Long> positions() {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
            Map<String, Long> positions = new LinkedHashMap<>();
            em(session)
                    .createQuery(
                            "select c.sink, c.deliveredSeq from ApiGuardAuditCursor c order by c.sink", Object[].class)
                    .getResultStream()
                    .forEach(row -> positions.put((String) row[0], ((Number) row[1]).longValue()));
            return positions;
        });
    }

    @Override
    public long backlog(long position) {
        return KeycloakModelUtils.runJobInTransactionWithResult(
                factory,
                session -> em(session)
                        .createQuery("select count(r) from ApiGuardAuditRecord r where r.seq > :position", Long.class)
                        .setParameter("position", position)
                        .getSingleResult());
    }

    @Override
    public List<OutboxRow> recent(String realmId, long since, int limit) {
        return KeycloakModelUtils.runJobInTransactionWithResult(
                factory,
                session -> em(session)
                        .createQuery(
                                ROW + " where r.realmId = :realm and r.createdAt >= :since order by r.seq desc",
                                Object[].class)
                        .setParameter("realm", realmId)
                        .setParameter("since", since)
                        .setMaxResults(limit)
                        .getResultStream()
                        .map(AuditOutbox::row)
                        .toList());
    }

    private static OutboxRow row(Object[] v) {
        return new OutboxRow(
                ((Number) v[0]).longValue(),
                (String) v[1],
                (String) v[2],
                ((Number) v[3]).longValue(),
                v[4] != null ? (String) v[4] : (String) v[5]);
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
