package dev.apiguard.keycloak.keys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apiguard.keycloak.kc.RealmLock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.common.util.Time;
import org.keycloak.component.ComponentModel;
import org.keycloak.keys.KeyProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;

/**
 * Applies key transitions to a realm, exactly once per cluster.
 *
 * <p>Every change runs in a transaction of its own that first takes a database row lock on the
 * realm ({@code SELECT ... FOR UPDATE} through JPA), then reads the realm's keys from the database
 * (the realm cache entry is invalidated first, here and, at commit, on every node). Two nodes (or
 * a node and an administrator) that act on one realm at once are serialised by the database; the
 * second one plans from the first one's result and finds nothing due. The lifecycle record and the
 * policy are in the database, so a restart loses nothing and the schedule catches up.
 */
final class KeyRotationEngine {

    /** Realm attribute keeping the last deleted or revoked keys, so that the admin API can show them. */
    static final String HISTORY_ATTRIBUTE = "apiguard.keyRotation.history";

    static final int HISTORY_SIZE = 20;

    private static final Logger LOG = Logger.getLogger(KeyRotationEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TEMPLATE_CONFIG = List.of(
            "priority",
            "algorithm",
            "keySize",
            "secretSize",
            "keyUse",
            "ecdsaEllipticCurveKey",
            "eddsaEllipticCurveKey",
            "ecGenerateCertificate");

    /** A deleted or revoked key, as kept in {@link #HISTORY_ATTRIBUTE}. */
    record HistoryEntry(
            String kid, String family, String state, long created, long activated, long retired, long removed) {}

    /** The realm under the lock, read from the database, with where its events go. */
    record Locked(KeycloakSession session, RealmModel realm, KeyEvents events) {}

    private KeyRotationEngine() {}

    /**
     * Runs {@code operation} on realm {@code realmId} in a new transaction under the realm's row
     * lock ({@link RealmLock}). {@code eventsOf} picks who the admin events name.
     *
     * @return what {@code operation} returned; null when the realm does not exist
     */
    static <T> T underLock(
            KeycloakSessionFactory factory,
            String realmId,
            Function<Locked, KeyEvents> eventsOf,
            Function<Locked, T> operation) {
        return RealmLock.underLock(factory, realmId, held -> {
            Locked locked = new Locked(held.session(), held.realm(), null);
            return operation.apply(new Locked(held.session(), held.realm(), eventsOf.apply(locked)));
        });
    }

    /**
     * The policy {@code realm} follows: its own, else the server's default policy, else
     * {@link RotationPolicy#NONE} (rotation is opt-in per realm).
     *
     * @throws PolicyException when the realm's stored policy is unreadable
     */
    static RotationPolicy policyOf(KeycloakSession session, RealmModel realm) {
        return RotationPolicy.effective(realm.getAttribute(RotationPolicy.REALM_ATTRIBUTE), serverDefault(session));
    }

    /** The server option's default policy, or null when the operator set none. */
    static RotationPolicy serverDefault(KeycloakSession session) {
        KeyRotationProvider settings = session.getProvider(KeyRotationProvider.class);
        return settings == null ? null : settings.defaultPolicy().orElse(null);
    }

    /** Plans of every family, as they stand now, without changing anything. */
    static List<FamilyPlan> plans(KeycloakSession session, RealmModel realm, RotationPolicy policy, long now) {
        RetirementNeeds needs = RetirementNeeds.of(realm);
        List<FamilyPlan> plans = new ArrayList<>();
        for (KeyFamily family : KeyInventory.read(session, realm).families()) {
            long retirement = needs.effectiveRetirement(policy, family.kind());
            plans.add(new FamilyPlan(family, retirement, KeyLifecycle.plan(policy, retirement, now, family.keys())));
        }
        return plans;
    }

    /** A family with its plan and the retirement it applies. */
    record FamilyPlan(KeyFamily family, long retirementSeconds, KeyLifecycle.Plan plan) {}

    /** The scheduled pass: applies what is due in every family. Returns the number of transitions. */
    static int applyDue(Locked locked) {
        RotationPolicy policy;
        try {
            policy = policyOf(locked.session(), locked.realm());
        } catch (PolicyException e) {
            // Fail closed: with no readable policy nothing is created, activated or deleted. KeyRotationTask logs it.
            return 0;
        }
        if (!policy.enabled()) {
            return 0;
        }
        long now = Time.currentTime();
        int transitions = 0;
        for (FamilyPlan familyPlan : plans(locked.session(), locked.realm(), policy, now)) {
            for (KeyLifecycle.Step step : familyPlan.plan().steps()) {
                apply(locked, familyPlan.family(), step, now, "schedule");
                transitions++;
            }
        }
        return transitions;
    }

    /**
     * Rotate now: in every family (or the one named), the next key signs, created first when none
     * is published.
     *
     * @param familyFilter a family id or algorithm to rotate only that family; null for every family
     * @return one {@link Rotation} per rotated family (its previous and its new signing kid)
     */
    static List<Rotation> rotateNow(Locked locked, String familyFilter) {
        long now = Time.currentTime();
        List<Rotation> rotations = new ArrayList<>();
        RotationPolicy policy = policyOf(locked.session(), locked.realm());
        // First adopt whatever is unrecorded, so that states are right before rotating.
        for (FamilyPlan familyPlan : plans(locked.session(), locked.realm(), policy, now)) {
            for (KeyLifecycle.Step step : familyPlan.plan().steps()) {
                if (step.action() == KeyLifecycle.Action.ADOPT
                        || (step.action() == KeyLifecycle.Action.RETIRE
                                && step.before().state() != KeyState.ACTIVE)) {
                    apply(locked, familyPlan.family(), step, now, "adopted");
                }
            }
        }
        for (KeyFamily family :
                KeyInventory.read(locked.session(), locked.realm()).families()) {
            if (familyFilter != null && !familyFilter.equals(family.id()) && !familyFilter.equals(family.algorithm())) {
                continue;
            }
            KeyRecord current = KeyLifecycle.signer(family.keys()).orElse(null);
            KeyRecord next = family.keys().stream()
                    .filter(k -> k.state() == KeyState.NEXT)
                    .min(Comparator.comparingLong(KeyRecord::created))
                    .orElse(null);
            if (next == null) {
                next = createNext(locked, family, current, now, "rotate-now");
            }
            activate(locked, family, next, current, now, "rotate-now");
            rotations.add(new Rotation(family.id(), current == null ? null : current.kid(), next.kid()));
        }
        return rotations;
    }

    /** One family rotated by hand. */
    record Rotation(String family, String previousKid, String activeKid) {}

    /** What an emergency revoke did. */
    record Revocation(String kid, String family, KeyKind kind, KeyState previousState, String activeKid) {}

    /**
     * Emergency revoke: the key leaves the realm at once (JWKS, verification); if it was signing,
     * the next key signs at once, created first when none is published.
     */
    static Optional<Revocation> revoke(Locked locked, String kid) {
        long now = Time.currentTime();
        KeyInventory inventory = KeyInventory.read(locked.session(), locked.realm());
        Optional<KeyInventory.Located> found = inventory.findByKid(kid);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        KeyFamily family = found.get().family();
        KeyRecord key = found.get().key();
        KeyRecord signer = KeyLifecycle.signer(family.keys()).orElse(null);
        String activeKid = signer == null ? null : signer.kid();
        if (signer != null && signer.componentId().equals(key.componentId())) {
            KeyRecord next = family.keys().stream()
                    .filter(k -> k.state() == KeyState.NEXT && !k.componentId().equals(key.componentId()))
                    .min(Comparator.comparingLong(KeyRecord::created))
                    .orElse(null);
            if (next == null) {
                next = createNext(locked, family, key, now, "revoke");
            }
            KeyRecord activated = next.withState(KeyState.ACTIVE, now);
            write(locked, inventoryComponent(locked, next.componentId()), activated, key.priority());
            locked.events()
                    .transition(
                            next.componentId(),
                            next.kid(),
                            family.algorithm(),
                            next.state(),
                            KeyState.ACTIVE,
                            "revoke");
            activeKid = next.kid();
        }
        KeyState previous =
                key.state() == null ? (key.keycloakActive() ? KeyState.ACTIVE : KeyState.RETIRED) : key.state();
        remove(locked, family, key, KeyState.REVOKED, now, "revoke");
        return Optional.of(new Revocation(kid, family.id(), family.kind(), previous, activeKid));
    }

    static void apply(Locked locked, KeyFamily family, KeyLifecycle.Step step, long now, String reason) {
        switch (step.action()) {
            case ADOPT -> {
                write(
                        locked,
                        inventoryComponent(locked, step.before().componentId()),
                        step.after(),
                        step.after().priority());
                locked.events()
                        .transition(
                                step.after().componentId(),
                                step.after().kid(),
                                family.algorithm(),
                                step.before().state(),
                                step.after().state(),
                                "adopted");
            }
            case RETIRE, ACTIVATE -> {
                write(
                        locked,
                        inventoryComponent(locked, step.before().componentId()),
                        step.after(),
                        step.after().priority());
                locked.events()
                        .transition(
                                step.after().componentId(),
                                step.after().kid(),
                                family.algorithm(),
                                step.before().state(),
                                step.after().state(),
                                reason);
            }
            case CREATE_NEXT ->
                createNext(locked, family, KeyLifecycle.signer(family.keys()).orElse(null), now, reason);
            case DELETE -> remove(locked, family, step.before(), KeyState.DELETED, now, reason);
        }
    }

    private static void activate(
            Locked locked, KeyFamily family, KeyRecord next, KeyRecord current, long now, String reason) {
        long priority = current == null ? next.priority() : Math.max(current.priority(), next.priority());
        write(locked, inventoryComponent(locked, next.componentId()), next.withState(KeyState.ACTIVE, now), priority);
        locked.events()
                .transition(next.componentId(), next.kid(), family.algorithm(), next.state(), KeyState.ACTIVE, reason);
        if (current != null && !current.componentId().equals(next.componentId())) {
            write(
                    locked,
                    inventoryComponent(locked, current.componentId()),
                    current.withState(KeyState.RETIRED, now),
                    current.priority());
            locked.events()
                    .transition(
                            current.componentId(),
                            current.kid(),
                            family.algorithm(),
                            current.state(),
                            KeyState.RETIRED,
                            reason);
        }
    }

    private static KeyRecord createNext(Locked locked, KeyFamily family, KeyRecord template, long now, String reason) {
        ComponentModel source = template != null
                ? inventoryComponent(locked, template.componentId())
                : inventoryComponent(locked, family.keys().get(0).componentId());
        ComponentModel created = new ComponentModel();
        created.setName("apiguard-" + family.algorithm().toLowerCase(Locale.ROOT) + "-" + now);
        created.setParentId(locked.realm().getId());
        created.setProviderId(family.providerId());
        created.setProviderType(KeyProvider.class.getName());
        created.setSubType(source.getSubType());
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        for (String name : TEMPLATE_CONFIG) {
            String value = source.get(name);
            if (value != null) {
                config.putSingle(name, value);
            }
        }
        config.putSingle("enabled", "true");
        config.putSingle("active", "false");
        config.putSingle(KeyInventory.STATE, KeyState.NEXT.label());
        config.putSingle(KeyInventory.CREATED, Long.toString(now));
        created.setConfig(config);
        // Keycloak's provider factory generates the key material while validating the new component.
        ComponentModel stored = locked.realm().addComponentModel(created);
        // Before anything else loads the key: loading puts a generated certificate into the model's config, and the
        // check below would then see one and store nothing (every node would publish its own x5c until the key's
        // first transition).
        if (persistGeneratedCertificate(locked, stored)) {
            locked.realm().updateComponent(stored);
        }
        String kid = KeyInventory.keyOf(locked.session(), stored)
                .orElseThrow(() -> new IllegalStateException("provider " + family.providerId() + " made no key"))
                .getKid();
        locked.events().transition(stored.getId(), kid, family.algorithm(), null, KeyState.NEXT, reason);
        return new KeyRecord(stored.getId(), kid, false, stored.get("priority", 0L), KeyState.NEXT, now, 0, 0);
    }

    private static void write(Locked locked, ComponentModel component, KeyRecord record, long priority) {
        ComponentModel updated = new ComponentModel(component);
        updated.getConfig().putSingle("active", Boolean.toString(record.keycloakActive()));
        updated.getConfig().putSingle("priority", Long.toString(priority));
        updated.getConfig().putSingle(KeyInventory.STATE, record.state().label());
        putTime(updated, KeyInventory.CREATED, record.created());
        putTime(updated, KeyInventory.ACTIVATED, record.activated());
        putTime(updated, KeyInventory.RETIRED, record.retired());
        persistGeneratedCertificate(locked, updated);
        locked.realm().updateComponent(updated);
    }

    /**
     * Keycloak 26.7's {@code ecdsa-generated} provider, with {@code ecGenerateCertificate}, makes
     * the key's self-signed certificate when it loads the key and never stores it: every node (and
     * every restart) publishes another {@code x5c} / {@code x5t} for the same key. Loading the key
     * into {@code component} puts the certificate into its config, so that saving the component
     * stores it and every node serves one JWKS. Returns whether a certificate was added.
     */
    private static boolean persistGeneratedCertificate(Locked locked, ComponentModel component) {
        if (!Boolean.parseBoolean(component.get("ecGenerateCertificate")) || component.get("certificate") != null) {
            return false;
        }
        KeyInventory.keyOf(locked.session(), component);
        return component.get("certificate") != null;
    }

    private static void putTime(ComponentModel component, String name, long value) {
        if (value > 0) {
            component.getConfig().putSingle(name, Long.toString(value));
        } else {
            component.getConfig().remove(name);
        }
    }

    private static void remove(
            Locked locked, KeyFamily family, KeyRecord key, KeyState state, long now, String reason) {
        ComponentModel component = inventoryComponent(locked, key.componentId());
        locked.realm().removeComponent(component);
        KeyState previous =
                key.state() == null ? (key.keycloakActive() ? KeyState.ACTIVE : KeyState.RETIRED) : key.state();
        locked.events().transition(key.componentId(), key.kid(), family.algorithm(), previous, state, reason);
        List<HistoryEntry> history = new ArrayList<>(history(locked.realm()));
        history.add(
                0,
                new HistoryEntry(
                        key.kid(), family.id(), state.label(), key.created(), key.activated(), key.retired(), now));
        while (history.size() > HISTORY_SIZE) {
            history.remove(history.size() - 1);
        }
        try {
            locked.realm().setAttribute(HISTORY_ATTRIBUTE, JSON.writeValueAsString(history));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot write the key history of realm " + locked.realm().getName(), e);
        }
    }

    static List<HistoryEntry> history(RealmModel realm) {
        String stored = realm.getAttribute(HISTORY_ATTRIBUTE);
        if (stored == null || stored.isBlank()) {
            return List.of();
        }
        try {
            return JSON.readValue(stored, new TypeReference<List<HistoryEntry>>() {});
        } catch (JsonProcessingException e) {
            LOG.warnf("apiguard: the key history of realm '%s' is unreadable and starts over", realm.getName());
            return List.of();
        }
    }

    private static ComponentModel inventoryComponent(Locked locked, String componentId) {
        ComponentModel component = locked.realm().getComponent(componentId);
        if (component == null) {
            throw new IllegalStateException("key component " + componentId + " vanished from realm "
                    + locked.realm().getName());
        }
        return component;
    }
}
