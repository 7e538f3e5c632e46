package dev.apiguard.keycloak.kc;

import jakarta.persistence.LockModeType;
import java.util.function.Function;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.cache.CacheRealmProvider;
import org.keycloak.models.jpa.entities.RealmEntity;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * A realm's database row lock (JPA, {@code PESSIMISTIC_WRITE}), the only cluster-wide mutual
 * exclusion that also orders the changes of a realm's keys: every node that changes them takes it.
 */
public final class RealmLock {

    private RealmLock() {}

    /**
     * Runs {@code operation} in a new transaction holding realm {@code realmId}'s row lock, with the
     * realm read from the database (this node's cached copy is invalidated, and every node's at
     * commit) and set as the session's realm. Returns null if the realm does not exist.
     */
    public static <T> T underLock(KeycloakSessionFactory factory, String realmId, Function<LockedRealm, T> operation) {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
            RealmEntity entity = session.getProvider(JpaConnectionProvider.class)
                    .getEntityManager()
                    .find(RealmEntity.class, realmId, LockModeType.PESSIMISTIC_WRITE);
            if (entity == null) {
                return null;
            }
            CacheRealmProvider cache = session.getProvider(CacheRealmProvider.class);
            if (cache != null) {
                cache.registerRealmInvalidation(entity.getId(), entity.getName());
            }
            RealmModel realm = session.realms().getRealm(realmId);
            session.getContext().setRealm(realm);
            return operation.apply(new LockedRealm(session, realm));
        });
    }

    /** The session of the locking transaction and the realm as the database holds it. */
    public record LockedRealm(KeycloakSession session, RealmModel realm) {}
}
