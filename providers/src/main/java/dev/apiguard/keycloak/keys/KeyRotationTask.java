package dev.apiguard.keycloak.keys;

import dev.apiguard.keycloak.kc.Cluster;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.timer.ScheduledTask;

/**
 * One pass of the schedule on one node. For each realm, a cheap look at the cached realm decides
 * whether anything is due; only then the realm's transitions run, under the cluster lock
 * {@code apiguard-key-rotation::<realm id>} (one node at a time) and, inside, the realm's
 * database row lock, from what the database holds. A node that comes second finds nothing due.
 */
final class KeyRotationTask implements ScheduledTask {

    private static final Logger LOG = Logger.getLogger(KeyRotationTask.class);
    private static final int LOCK_SECONDS = 120;

    private final KeycloakSessionFactory factory;

    KeyRotationTask(KeycloakSessionFactory factory) {
        this.factory = factory;
    }

    @Override
    public void run(KeycloakSession session) {
        List<RealmModel> realms = session.realms().getRealmsStream().toList();
        for (RealmModel realm : realms) {
            String realmId = realm.getId();
            try {
                if (!due(session, realm)) {
                    continue;
                }
                Cluster.onceAcrossNodes(
                        session,
                        ScheduledKeyRotationFactory.TASK_NAME + "::" + realmId,
                        LOCK_SECONDS,
                        () -> KeyRotationEngine.underLock(
                                factory,
                                realmId,
                                locked -> KeyEvents.ofSchedule(locked.session(), locked.realm()),
                                KeyRotationEngine::applyDue));
            } catch (RuntimeException e) {
                // One realm's failure (a database error, a key provider that cannot generate) must not stop the others.
                LOG.errorf(
                        e,
                        "apiguard: key rotation pass failed for realm '%s'; retried at the next pass",
                        realm.getName());
            }
        }
    }

    private static boolean due(KeycloakSession session, RealmModel realm) {
        RotationPolicy policy;
        try {
            policy = KeyRotationEngine.policyOf(session, realm);
        } catch (PolicyException e) {
            LOG.errorf(
                    "apiguard: the key rotation policy of realm '%s' is unreadable, no key is rotated until it is fixed: %s",
                    realm.getName(), e.getMessage());
            return false;
        }
        if (!policy.enabled()) {
            return false;
        }
        session.getContext().setRealm(realm);
        long now = Time.currentTime();
        return KeyRotationEngine.plans(session, realm, policy, now).stream()
                .anyMatch(plan -> plan.plan().due());
    }
}
