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
 * @param index the rule's position in the document
 * @param fieldName the name as an RFC 9651 string, quoted: {@code "clients"} (precomputed for the fields)
 * @param policyMember the rule's whole {@code RateLimit-Policy} member, or {@code null} when
 *     {@code tiered} (precomputed: the same for every request)
 */
record Rule(
        String name,
        KeyKind key,
        Set<Endpoint> endpoints,
        Limit limit,
        boolean tiered,
        boolean failuresOnly,
        boolean shadow,
        BucketTable table,
        int index,
        String fieldName,
        String policyMember) {

    Rule(
            String name,
            KeyKind key,
            Set<Endpoint> endpoints,
            Limit limit,
            boolean tiered,
            boolean failuresOnly,
            boolean shadow,
            BucketTable table,
            int index) {
        this(
                name,
                key,
                endpoints,
                limit,
                tiered,
                failuresOnly,
                shadow,
                table,
                index,
                '"' + name + '"',
                limit == null ? null : '"' + name + '"' + limit.policyParameters());
    }
}
