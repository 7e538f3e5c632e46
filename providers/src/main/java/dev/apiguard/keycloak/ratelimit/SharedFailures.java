package dev.apiguard.keycloak.ratelimit;

import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/** Logs that shared rate-limit state failed, at most once a minute per node. */
final class SharedFailures {

    private static final Logger LOG = Logger.getLogger(SharedFailures.class);
    private static final AtomicLong LAST = new AtomicLong();

    private SharedFailures() {}

    static void log(RuntimeException e, int nodes) {
        long now = System.currentTimeMillis();
        long last = LAST.get();
        if (now - last >= 60_000 && LAST.compareAndSet(last, now)) {
            LOG.error(message(e.toString(), nodes));
        }
    }

    /** What the log says: the failure, and the share of each limit this node now applies alone. */
    static String message(String failure, int nodes) {
        String start =
                "Shared rate-limit state is unreachable (" + failure + "); this node limits with its own buckets";
        if (nodes > 1) {
            return start + " at a 1/" + nodes + " share of each limit (capacity and rate divided by the " + nodes
                    + " members of the cluster view, rounded up) until it is back";
        }
        if (nodes == 1) {
            return start + " at the full limits (the cluster view has this node only) until it is back";
        }
        return start + " at the full limits until it is back: the cluster's size is unknown (no embedded Infinispan "
                + "cluster view), so the cluster may admit up to the number of nodes times the limits";
    }
}
