package dev.apiguard.keycloak.kc;

import dev.apiguard.keycloak.audit.OutboxRow;
import dev.apiguard.keycloak.audit.OutboxStore;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The audit outbox in Keycloak's database (JPA): {@link #append} adds a row in the caller's
 * session, so in the caller's transaction; the rest runs in transactions of its own.
 */
public final class AuditOutbox implements OutboxStore {

    private final KeycloakSessionFactory factory;

    public AuditOutbox(KeycloakSessionFactory factory) {
        this.factory = factory;
    }

    /** One insert, in {@code session}'s transaction: committed with the change the event reports. */
    public static void append(KeycloakSession session, String eventId, String realmId, long createdAt, String json) {
        em(session).persist(new AuditRecordEntity(eventId, realmId, createdAt, json));
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
                    return em.createQuery(
                                    "select r from ApiGuardAuditRecord r where r.seq > :position order by r.seq",
                                    AuditRecordEntity.class)
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
                                    "select r from ApiGuardAuditRecord r where r.seq <= :upTo and r.createdAt >= :since"
                                            + " order by r.seq desc",
                                    AuditRecordEntity.class)
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
                                "select r from ApiGuardAuditRecord r where r.realmId = :realm and r.createdAt >= :since"
                                        + " order by r.seq desc",
                                AuditRecordEntity.class)
                        .setParameter("realm", realmId)
                        .setParameter("since", since)
                        .setMaxResults(limit)
                        .getResultStream()
                        .map(AuditOutbox::row)
                        .toList());
    }

    private static OutboxRow row(AuditRecordEntity e) {
        return new OutboxRow(e.getSeq(), e.getEventId(), e.getRealmId(), e.getCreatedAt(), e.getRecord());
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
