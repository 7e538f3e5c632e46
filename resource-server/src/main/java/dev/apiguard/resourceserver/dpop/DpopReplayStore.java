package dev.apiguard.resourceserver.dpop;

import java.time.Instant;

/**
 * Remembers DPoP proof identifiers until they expire. An implementation shared by every instance of an API
 * (for example Redis {@code SET key 1 NX PXAT expiry}) stops a proof replayed to another instance; the
 * default {@link InMemoryDpopReplayStore} covers one instance.
 */
public interface DpopReplayStore {

    /**
     * Records {@code key} until {@code expiresAt}.
     *
     * @return {@code true} when {@code key} was not recorded before (first use), {@code false} when it was
     *         (a replay) or when the store cannot record it (implementations must then fail closed)
     */
    boolean markUsed(String key, Instant expiresAt);
}
