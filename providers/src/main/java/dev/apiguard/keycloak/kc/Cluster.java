package dev.apiguard.keycloak.kc;

import java.util.List;
import org.infinispan.Cache;
import org.infinispan.remoting.transport.Address;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.connections.infinispan.InfinispanConnectionProvider;
import org.keycloak.models.KeycloakSession;

/** Keycloak's cluster-wide "once per period" execution, and the size of the cluster as this node sees it. */
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

    /**
     * The number of members of the embedded Infinispan cluster that holds Keycloak's
     * {@code actionTokens} cache, as this node's current view says (a local read, no cluster
     * call); {@code 0} when it is not known: no embedded Infinispan (a server without the
     * Infinispan connection provider), a cache manager without a transport (a single node started
     * with {@code --cache=local}, or caches held only by an external Infinispan), or a failure to
     * read the view. Keycloak has no public SPI for this: {@code InfinispanConnectionProvider} and
     * Infinispan's {@code EmbeddedCacheManager.getMembers()} are internal (keycloak-model-infinispan).
     */
    public static int members(KeycloakSession session) {
        try {
            InfinispanConnectionProvider infinispan = session.getProvider(InfinispanConnectionProvider.class);
            if (infinispan == null) {
                return 0;
            }
            Cache<Object, Object> cache = infinispan.getCache(InfinispanConnectionProvider.ACTION_TOKEN_CACHE, false);
            if (cache == null) {
                return 0;
            }
            List<Address> members = cache.getCacheManager().getMembers();
            return members == null ? 0 : members.size();
        } catch (RuntimeException e) {
            // The view cannot be read (a cache manager stopping): the size is unknown, the caller keeps full limits.
            return 0;
        }
    }
}
