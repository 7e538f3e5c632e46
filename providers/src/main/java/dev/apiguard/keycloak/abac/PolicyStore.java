package dev.apiguard.keycloak.abac;

import dev.apiguard.keycloak.common.RealmDocuments;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.keycloak.models.RealmModel;

/**
 * Where a realm's policy document lives: the realm attribute {@value #ATTRIBUTE} (so it is in the
 * database, in realm exports and imports, and in realm-config), and its compiled form, cached on
 * this node by realm id and document text. Another node that saves a new document changes the
 * attribute; this node sees different text and compiles again at the next request.
 */
public final class PolicyStore {

    public static final String ATTRIBUTE = "apiguard.abac.policies";

    private static final Logger LOG = Logger.getLogger(PolicyStore.class);

    /**
     * One entry per realm that has a document: compiled policies are immutable and a realm has one
     * current document, so the map is bounded by the number of realms. Static because the
     * executor, the required action and the admin API share it; it holds no request state.
     */
    private static final Map<String, State> CACHE = new ConcurrentHashMap<>();

    private PolicyStore() {}

    /**
     * The policy state of a realm: absent (no document: ABAC is off), active (compiled), or broken
     * (a stored document that no longer compiles, e.g. imported by hand: every governed request
     * then fails closed).
     */
    public record State(String source, String version, CompiledPolicies policies, List<String> errors) {

        public boolean absent() {
            return source == null;
        }

        public boolean broken() {
            return source != null && policies == null;
        }
    }

    private static final State ABSENT = new State(null, null, null, List.of());

    /** The realm's current state; compiles at most once per document text and node. */
    public static State of(RealmModel realm) {
        String source = realm.getAttribute(ATTRIBUTE);
        if (source == null || source.isBlank()) {
            CACHE.remove(realm.getId());
            return ABSENT;
        }
        State cached = CACHE.get(realm.getId());
        if (cached != null && cached.source().equals(source)) {
            return cached;
        }
        State compiled = compile(source);
        if (compiled.broken()) {
            LOG.errorf(
                    "The ABAC policy document of realm '%s' (version %s) is invalid, every request for a scope fails "
                            + "closed until a valid one is saved: %s",
                    realm.getName(), compiled.version(), compiled.errors());
        }
        CACHE.put(realm.getId(), compiled);
        return compiled;
    }

    /** Parses and compiles {@code source} without storing it. */
    public static State compile(String source) {
        try {
            CompiledPolicies policies = PolicyCompiler.compile(PolicyDocumentParser.parse(source));
            return new State(source, RealmDocuments.version(source), policies, List.of());
        } catch (PolicyDocumentException e) {
            return new State(source, RealmDocuments.version(source), null, e.errors());
        }
    }

    /**
     * Stores a document that has been validated (compiled and trust-checked) by the caller, and
     * makes its compiled form current on this node.
     */
    public static void save(RealmModel realm, State validated) {
        if (validated.policies() == null) {
            throw new IllegalArgumentException("only a compiled document can be saved");
        }
        realm.setAttribute(ATTRIBUTE, validated.source());
        CACHE.put(realm.getId(), validated);
    }
}
