package dev.apiguard.keycloak.ratelimit;

import java.util.Set;

/**
 * One compiled rule of a rate-limit document.
 *
 * @param name the rule's name, as in the {@code RateLimit} fields and events
 * @param key what the rule counts by
 * @param endpoints where it applies
 * @param limit its bucket, or {@code null} when {@code tiered} (the client's tier decides)
 * @param tiered whether the client's tier gives the limit (client rules only)
 * @param failuresOnly whether only failed requests (status 400 and above) are charged; the bucket
 *     is still checked before the work
 * @param shadow whether the rule only counts and reports, never refuses
 * @param table the rule's buckets on this node
 */
record Rule(
        String name,
        KeyKind key,
        Set<Endpoint> endpoints,
        Limit limit,
        boolean tiered,
        boolean failuresOnly,
        boolean shadow,
        BucketTable table) {}
