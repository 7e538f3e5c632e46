package dev.apiguard.keycloak.ratelimit;

import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/** Logs that shared rate-limit state failed, at most once a minute per node. */
final class SharedFailures {

    private static final Logger LOG = Logger.getLogger(SharedFailures.class);
    private static final AtomicLong LAST = new AtomicLong();

    private SharedFailures() {}

    static void log(RuntimeException e) {
        long now = System.currentTimeMillis();
        long last = LAST.get();
        if (now - last >= 60_000 && LAST.compareAndSet(last, now)) {
            LOG.errorf(
                    "Shared rate-limit state is unreachable (%s); this node limits with its own buckets until it is "
                            + "back: the cluster may admit up to the number of nodes times the limits",
                    e.toString());
        }
    }
}
