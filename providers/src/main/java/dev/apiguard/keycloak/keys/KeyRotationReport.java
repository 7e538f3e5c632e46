package dev.apiguard.keycloak.keys;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Body of {@code GET /admin/realms/{realm}/apiguard/v1/keys}: the policy, every rotated key with
 * its state and transition times, the next transition of each family and of the realm, the keys
 * left alone and the last deleted or revoked ones. Times are ISO-8601 instants.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeyRotationReport(
        String realm,
        ObjectNode policy,
        String policySource,
        String policyError,
        Retirement retirementApplied,
        List<String> findings,
        String now,
        List<Family> families,
        Transition nextTransition,
        List<UnmanagedKey> unmanaged,
        List<HistoryKey> history) {

    /** Retirement periods the schedule applies: the policy's, never below what the realm needs. */
    public record Retirement(String signingKeys, String secretKeys) {}

    /** A transition ahead. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Transition(String at, String action, String family, String kid) {}

    /** One family and its keys. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Family(
            String family, String algorithm, String kind, String retirement, List<Key> keys, Transition next) {}

    /**
     * One key. {@code recorded} is false until the schedule has adopted the key; {@code inUse} is
     * true for the key Keycloak signs (or encrypts) with now.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Key(
            String kid,
            String componentId,
            String state,
            boolean recorded,
            boolean inUse,
            String created,
            String activated,
            String retired,
            String deleteAt) {}

    /** A key the schedule leaves alone, and why. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UnmanagedKey(String kid, String componentId, String providerId, String algorithm, String reason) {}

    /** A deleted or revoked key. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HistoryKey(
            String kid,
            String family,
            String state,
            String created,
            String activated,
            String retired,
            String removed) {}

    static KeyRotationReport of(KeycloakSession session, RealmModel realm) {
        long now = Time.currentTime();
        RotationPolicy serverDefault = KeyRotationEngine.serverDefault(session);
        String stored = realm.getAttribute(RotationPolicy.REALM_ATTRIBUTE);
        RotationPolicy.Source source = RotationPolicy.Source.of(stored, serverDefault);
        RotationPolicy policy = RotationPolicy.NONE;
        String error = null;
        try {
            policy = RotationPolicy.effective(stored, serverDefault);
        } catch (PolicyException e) {
            error = "the stored policy is unreadable, nothing is rotated until it is replaced: " + e.getMessage();
        }
        RetirementNeeds needs = RetirementNeeds.of(realm);
        List<String> findings =
                new ArrayList<>(source == RotationPolicy.Source.NONE ? List.of() : needs.problems(policy));
        if (source == RotationPolicy.Source.NONE) {
            findings.add("the realm has not adopted key rotation: nothing is rotated until a policy is saved "
                    + "(PUT this resource) or the server sets a default policy");
        } else if (!findings.isEmpty()) {
            findings.add(
                    "the schedule keeps retired keys as long as the realm needs (see retirementApplied) until the policy is raised");
        }

        List<Family> families = new ArrayList<>();
        Transition realmNext = null;
        for (KeyRotationEngine.FamilyPlan familyPlan : KeyRotationEngine.plans(session, realm, policy, now)) {
            KeyFamily family = familyPlan.family();
            String signer = KeyLifecycle.signer(family.keys())
                    .map(KeyRecord::componentId)
                    .orElse(null);
            List<Key> keys = new ArrayList<>();
            for (KeyRecord key : family.keys()) {
                KeyState state = key.state() != null
                        ? key.state()
                        : key.componentId().equals(signer) ? KeyState.ACTIVE : KeyState.RETIRED;
                String deleteAt = state == KeyState.RETIRED && key.retired() > 0
                        ? instant(key.retired() + familyPlan.retirementSeconds())
                        : null;
                keys.add(new Key(
                        key.kid(),
                        key.componentId(),
                        state.label(),
                        key.state() != null,
                        key.componentId().equals(signer),
                        instant(key.created()),
                        instant(key.activated()),
                        instant(key.retired()),
                        deleteAt));
            }
            keys.sort(Comparator.comparing(Key::state));
            KeyLifecycle.Plan plan = familyPlan.plan();
            Transition next = null;
            if (!policy.enabled() || error != null) {
                // Nothing is scheduled: rotation is off, or the stored policy cannot be read.
            } else if (plan.due()) {
                next = new Transition(instant(now), "due now (next pass of the schedule)", family.id(), null);
            } else if (plan.nextAt() != Long.MAX_VALUE) {
                next = new Transition(instant(plan.nextAt()), plan.nextAction(), family.id(), plan.nextKid());
            }
            if (next != null && (realmNext == null || next.at().compareTo(realmNext.at()) < 0)) {
                realmNext = next;
            }
            families.add(new Family(
                    family.id(),
                    family.algorithm(),
                    family.kind().name().toLowerCase(Locale.ROOT),
                    Durations.format(familyPlan.retirementSeconds()),
                    keys,
                    next));
        }
        List<HistoryKey> history = KeyRotationEngine.history(realm).stream()
                .map(h -> new HistoryKey(
                        h.kid(),
                        h.family(),
                        h.state(),
                        instant(h.created()),
                        instant(h.activated()),
                        instant(h.retired()),
                        instant(h.removed())))
                .toList();
        return new KeyRotationReport(
                realm.getName(),
                policy.toJson(),
                source.label(),
                error,
                new Retirement(
                        Durations.format(needs.effectiveRetirement(policy, KeyKind.SIGNING)),
                        Durations.format(needs.effectiveRetirement(policy, KeyKind.SECRET))),
                findings,
                instant(now),
                families,
                realmNext,
                KeyInventory.read(session, realm).unmanaged().stream()
                        .map(u -> new UnmanagedKey(u.kid(), u.componentId(), u.providerId(), u.algorithm(), u.reason()))
                        .toList(),
                history);
    }

    private static String instant(long epochSeconds) {
        return epochSeconds > 0 ? Instant.ofEpochSecond(epochSeconds).toString() : null;
    }
}
