package dev.apiguard.resourceserver;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Tokens that passed every check of {@link AccessTokenValidator}, keyed by the SHA-256 of their exact compact
 * serialization. Bounded: {@code maxEntries} in total, spread over up to 16 stripes, each a least-recently-used map
 * behind its own lock, so that the bound is exact and threads rarely wait for each other.
 *
 * <p>Only successes are stored (by {@link AccessTokenValidator}, after the last check passed); the raw token is
 * never stored, only its digest, so a heap dump does not hand out bearer tokens. Keys are compared with
 * {@link MessageDigest#isEqual}. Thread-safe.
 */
final class VerifiedTokenCache {

    private static final int MAX_STRIPES = 16;

    /**
     * A token that passed every check: {@code selector} finds its key in the JWKS as the token's header did, and
     * {@code key} is the JWK that verified its signature. Compared by identity.
     */
    static final class Entry {
        final AccessToken token;
        final JWKSelector selector;
        final JWK key;
        final Instant notBefore;
        final Instant verifiedAt;

        Entry(AccessToken token, JWKSelector selector, JWK key, Instant notBefore, Instant verifiedAt) {
            this.token = token;
            this.selector = selector;
            this.key = key;
            this.notBefore = notBefore;
            this.verifiedAt = verifiedAt;
        }
    }

    /** The SHA-256 of a token: equality in constant time, hash from the digest's first bytes. */
    static final class Digest {
        private final byte[] bytes;
        private final int hash;

        private Digest(byte[] bytes) {
            this.bytes = bytes;
            this.hash = (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Digest d && MessageDigest.isEqual(bytes, d.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final Stripe[] stripes;
    private final MessageDigest prototype;
    private final LongAdder hits = new LongAdder();

    VerifiedTokenCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
        }
        int count = Math.min(MAX_STRIPES, maxEntries);
        stripes = new Stripe[count];
        for (int i = 0; i < count; i++) {
            // The capacities add up to maxEntries exactly.
            stripes[i] = new Stripe(maxEntries / count + (i < maxEntries % count ? 1 : 0));
        }
        try {
            prototype = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    Digest digest(String token) {
        MessageDigest sha256;
        try {
            sha256 = (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException("every Java platform has SHA-256", impossible);
            }
        }
        // A token longer than MAX_TOKEN_LENGTH or with non-ASCII characters never gets here as a success; for a
        // lookup, UTF-8 keeps distinct strings distinct.
        return new Digest(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    Entry get(Digest digest) {
        Entry entry = stripe(digest).get(digest);
        if (entry != null) {
            hits.increment();
        }
        return entry;
    }

    void put(Digest digest, Entry entry) {
        stripe(digest).put(digest, entry);
    }

    /** Removes the entry of {@code digest} if it is still {@code entry}. */
    void remove(Digest digest, Entry entry) {
        stripe(digest).remove(digest, entry);
    }

    int size() {
        int size = 0;
        for (Stripe stripe : stripes) {
            size += stripe.size();
        }
        return size;
    }

    long hits() {
        return hits.sum();
    }

    void clear() {
        for (Stripe stripe : stripes) {
            stripe.clear();
        }
    }

    private Stripe stripe(Digest digest) {
        // Bytes 4-7 of the digest: independent of the bytes that make the hash code.
        int spread = (digest.bytes[4] & 0xff) << 8 | (digest.bytes[5] & 0xff);
        return stripes[spread % stripes.length];
    }

    /** One least-recently-used map with a fixed capacity; every access holds its lock (access order mutates). */
    private static final class Stripe {
        private final Map<Digest, Entry> map;

        Stripe(int capacity) {
            this.map = new LinkedHashMap<>(Math.min(capacity, 1024) * 4 / 3 + 1, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Digest, Entry> eldest) {
                    return size() > capacity;
                }
            };
        }

        synchronized Entry get(Digest digest) {
            return map.get(digest);
        }

        synchronized void put(Digest digest, Entry entry) {
            map.put(digest, entry);
        }

        synchronized void remove(Digest digest, Entry entry) {
            map.remove(digest, entry);
        }

        synchronized int size() {
            return map.size();
        }

        synchronized void clear() {
            map.clear();
        }
    }
}
