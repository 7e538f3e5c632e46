package dev.apiguard.keycloak.ratelimit;

/**
 * The outcome of one rule for one request, written into a {@code long[]} rather than allocated:
 * at index {@code at}, the units left; at {@code at + 1}, the seconds until the bucket is full
 * again; at {@code at + 2}, when refused, the seconds until one unit is back (rounded up). A
 * decision keeps one such triple per applied rule ({@link Decision}); {@code out} may be
 * {@code null} when the caller does not need the numbers (a charge after the answer).
 */
final class Outcomes {

    /** Longs per outcome. */
    static final int WIDTH = 3;

    private Outcomes() {}

    static boolean admitted(long[] out, int at, long remaining, long resetSeconds) {
        if (out != null) {
            out[at] = remaining;
            out[at + 1] = resetSeconds;
            out[at + 2] = 0;
        }
        return true;
    }

    static boolean refused(long[] out, int at, long resetSeconds, long retryAfterSeconds) {
        if (out != null) {
            out[at] = 0;
            out[at + 1] = resetSeconds;
            out[at + 2] = retryAfterSeconds;
        }
        return false;
    }
}
