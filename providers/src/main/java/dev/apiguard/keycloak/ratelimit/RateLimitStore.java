package dev.apiguard.keycloak.ratelimit;

import dev.apiguard.keycloak.common.RealmDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.keycloak.models.RealmModel;

/**
 * Where a realm's rate-limit document lives: the realm attribute {@value #ATTRIBUTE} (in the
 * database, in realm exports and in realm-config), and its compiled form, cached on this node by
 * realm id and document text. A node that saves a new document changes the attribute; every other
 * node sees a different text at its next request and compiles it then (no restart). A request of
 * a realm without the attribute costs one attribute lookup.
 */
public final class RateLimitStore {

    public static final String ATTRIBUTE = "apiguard.rateLimits";

    /** The client attribute that names a client's tier. */
    public static final String TIER_ATTRIBUTE = "apiguard.rateLimitTier";

    private static final Logger LOG = Logger.getLogger(RateLimitStore.class);

    /** One entry per realm with a document: bounded by the number of realms. */
    private static final Map<String, State> CACHE = new ConcurrentHashMap<>();

    private RateLimitStore() {}

    /** A realm's state: absent (no document), active, or broken (a stored document that does not compile). */
    public record State(String source, String version, RateLimitPolicy policy, List<String> errors) {

        public boolean absent() {
            return source == null;
        }

        public boolean broken() {
            return source != null && policy == null;
        }
    }

    static final State ABSENT = new State(null, null, null, List.of());

    /** The realm's current state; compiles at most once per document text and node. */
    public static State of(RealmModel realm) {
        String source = realm.getAttribute(ATTRIBUTE);
        if (source == null || source.isBlank()) {
            if (!CACHE.isEmpty()) {
                CACHE.remove(realm.getId());
            }
            return ABSENT;
        }
        State cached = CACHE.get(realm.getId());
        if (cached != null && cached.source() == source) {
            return cached;
        }
        if (cached != null && cached.source().equals(source)) {
            // The same text in a new string (the realm cache was rebuilt): keep the new instance, so
            // that the next requests compare references, not the whole document.
            State same = new State(source, cached.version(), cached.policy(), cached.errors());
            CACHE.put(realm.getId(), same);
            return same;
        }
        State compiled = compile(source);
        name(realm, compiled);
        if (compiled.broken()) {
            LOG.errorf(
                    "The rate-limit document of realm '%s' (version %s) is invalid; every limited endpoint of the "
                            + "realm answers 503 until a valid one is saved: %s",
                    realm.getName(), compiled.version(), compiled.errors());
        } else {
            LOG.infof(
                    "Rate-limit document version %s of realm '%s' is active on this node (%d rules)",
                    compiled.version(), realm.getName(), compiled.policy().rules.size());
        }
        CACHE.put(realm.getId(), compiled);
        return compiled;
    }

    /** Parses and compiles {@code source} without storing it. */
    public static State compile(String source) {
        try {
            return new State(source, RealmDocuments.version(source), RateLimitDocumentParser.parse(source), List.of());
        } catch (RateLimitDocumentParser.Invalid e) {
            return new State(source, RealmDocuments.version(source), null, e.problems());
        }
    }

    /**
     * Every client tier attribute that names a tier the document does not define, as problems
     * ("client 'x': tier 'gold' is not defined in tiers").
     */
    public static List<String> undefinedTiers(State state, Map<String, String> tierByClient) {
        List<String> problems = new ArrayList<>();
        if (state.policy() == null || state.policy().rules.stream().noneMatch(Rule::tiered)) {
            // Without a tiered rule, a client's tier attribute decides nothing.
            return problems;
        }
        tierByClient.forEach((client, tier) -> {
            if (tier != null && !tier.isBlank() && !state.policy().tiers.containsKey(tier)) {
                problems.add("client '" + client + "': attribute " + TIER_ATTRIBUTE + " names tier '" + tier
                        + "', which is not defined in tiers (defined: "
                        + String.join(
                                ", ",
                                state.policy().tiers.keySet().stream().sorted().toList()) + ")");
            }
        });
        return problems;
    }

    /** Stores a validated document and makes it current on this node. */
    public static void save(RealmModel realm, State validated) {
        if (validated.policy() == null) {
            throw new IllegalArgumentException("only a compiled document can be saved");
        }
        realm.setAttribute(ATTRIBUTE, validated.source());
        name(realm, validated);
        CACHE.put(realm.getId(), validated);
    }

    /** Names the shared buckets of a compiled document: per realm and document version. */
    private static void name(RealmModel realm, State state) {
        if (state.policy() != null) {
            state.policy().name("apiguard-rl:" + realm.getId() + ":" + state.version());
        }
    }

    /** Removes the document: the realm is no longer limited. */
    public static void remove(RealmModel realm) {
        realm.removeAttribute(ATTRIBUTE);
        CACHE.remove(realm.getId());
    }
}
