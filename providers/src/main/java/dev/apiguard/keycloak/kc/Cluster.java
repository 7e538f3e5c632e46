package dev.apiguard.keycloak.kc;

import org.keycloak.cluster.ClusterProvider;
import org.keycloak.models.KeycloakSession;

/** Keycloak's cluster-wide "once per period" execution. */
public final class Cluster {

    private Cluster() {}

    /**
     * Runs {@code task} unless another node ran the task named {@code taskKey} within the last
     * {@code seconds}; the nodes of a cluster thus take turns.
     */
    public static void onceAcrossNodes(KeycloakSession session, String taskKey, int seconds, Runnable task) {
        session.getProvider(ClusterProvider.class).executeIfNotExecuted(taskKey, seconds, () -> {
            task.run();
            return null;
        });
    }
}
