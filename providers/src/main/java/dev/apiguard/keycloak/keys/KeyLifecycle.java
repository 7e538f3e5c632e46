package dev.apiguard.keycloak.keys;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The schedule of one key family (one provider and algorithm, e.g. {@code ecdsa-generated} ES256):
 * a pure function from the recorded keys, the policy and the time to the transitions due now and
 * the next one ahead. Keycloak is not involved here; {@link KeyRotationEngine} applies the steps.
 *
 * <p>Rules, in the order they are applied:
 * <ol>
 *   <li>Adoption: a key without a recorded state, or whose record disagrees with Keycloak's flags,
 *       is recorded as what Keycloak makes of it: the active key Keycloak signs with is active
 *       (since now); another active key is retired (it does not sign anyway); a passive key is
 *       retired unless it is a recorded next key.</li>
 *   <li>No key signing but a next key published: the next key signs at once.</li>
 *   <li>Publication: at {@code activated + rotationPeriod - prePublication} a next key is created,
 *       verifying but not signing.</li>
 *   <li>Activation: at {@code max(activated + rotationPeriod, created(next) + prePublication)} the
 *       next key signs and the current one retires. After downtime the next key still waits its
 *       whole pre-publication: clients never meet a key they could not have fetched.</li>
 *   <li>Deletion: at {@code retired + retirement} a retired key is deleted; the retirement applied
 *       is never shorter than what the realm's lifetimes need now.</li>
 * </ol>
 */
final class KeyLifecycle {

    /** What a step does. */
    enum Action {
        ADOPT,
        CREATE_NEXT,
        ACTIVATE,
        RETIRE,
        DELETE
    }

    /**
     * One transition.
     *
     * @param action what happens
     * @param before the key before (null for {@link Action#CREATE_NEXT})
     * @param after  the key after (null for {@link Action#CREATE_NEXT} and {@link Action#DELETE})
     */
    record Step(Action action, KeyRecord before, KeyRecord after) {}

    /**
     * The steps due now and the next transition ahead.
     *
     * @param steps      in the order to apply them
     * @param nextAt     epoch seconds of the next transition after these steps, or {@link Long#MAX_VALUE}
     * @param nextAction what happens then: {@code publish-next}, {@code activate}, {@code delete}
     * @param nextKid    the key concerned, null for {@code publish-next}
     */
    record Plan(List<Step> steps, long nextAt, String nextAction, String nextKid) {
        Plan {
            steps = List.copyOf(steps);
        }

        boolean due() {
            return !steps.isEmpty();
        }
    }

    private KeyLifecycle() {}

    /** The key Keycloak signs with: the active key of highest priority, ties to the lowest component id. */
    static Optional<KeyRecord> signer(List<KeyRecord> keys) {
        return keys.stream()
                .filter(KeyRecord::keycloakActive)
                .min(Comparator.comparingLong(KeyRecord::priority).reversed().thenComparing(KeyRecord::componentId));
    }

    static Plan plan(RotationPolicy policy, long retirementSeconds, long now, List<KeyRecord> keys) {
        Objects.requireNonNull(policy, "policy");
        List<Step> steps = new ArrayList<>();
        KeyRecord signer = signer(keys).orElse(null);

        List<KeyRecord> nexts = new ArrayList<>();
        List<KeyRecord> retired = new ArrayList<>();
        KeyRecord current = null;
        for (KeyRecord key : keys) {
            KeyRecord adopted = adopt(key, key == signer, now);
            if (!adopted.equals(key)) {
                steps.add(new Step(
                        adopted.state() == KeyState.RETIRED && key.keycloakActive() ? Action.RETIRE : Action.ADOPT,
                        key,
                        adopted));
            }
            switch (adopted.state()) {
                case ACTIVE -> current = adopted;
                case NEXT -> nexts.add(adopted);
                case RETIRED -> retired.add(adopted);
                default -> throw new IllegalStateException("adopt() gave " + adopted.state());
            }
        }
        nexts.sort(Comparator.comparingLong(KeyRecord::created).thenComparing(KeyRecord::componentId));

        Next next = new Next();
        if (current == null) {
            if (!nexts.isEmpty()) {
                KeyRecord first = nexts.remove(0);
                current = first.withState(KeyState.ACTIVE, now);
                steps.add(new Step(Action.ACTIVATE, first, current));
                next.consider(now + policy.rotationPeriod() - policy.prePublication(), "publish-next", null);
            }
        } else {
            long rotateAt = current.activated() + policy.rotationPeriod();
            if (nexts.isEmpty()) {
                long publishAt = rotateAt - policy.prePublication();
                if (now >= publishAt) {
                    steps.add(new Step(Action.CREATE_NEXT, null, null));
                    next.consider(Math.max(rotateAt, now + policy.prePublication()), "activate", null);
                } else {
                    next.consider(publishAt, "publish-next", null);
                }
            } else {
                KeyRecord first = nexts.get(0);
                long activateAt = Math.max(rotateAt, first.created() + policy.prePublication());
                if (now >= activateAt) {
                    KeyRecord activated = first.withState(KeyState.ACTIVE, now);
                    KeyRecord old = current.withState(KeyState.RETIRED, now);
                    steps.add(new Step(Action.ACTIVATE, first, activated));
                    steps.add(new Step(Action.RETIRE, current, old));
                    retired.add(old);
                    next.consider(now + policy.rotationPeriod() - policy.prePublication(), "publish-next", null);
                } else {
                    next.consider(activateAt, "activate", first.kid());
                }
            }
        }

        for (KeyRecord key : retired) {
            long deleteAt = key.retired() + retirementSeconds;
            if (now >= deleteAt) {
                steps.add(new Step(Action.DELETE, key, null));
            } else {
                next.consider(deleteAt, "delete", key.kid());
            }
        }
        return new Plan(steps, next.at, next.action, next.kid);
    }

    private static KeyRecord adopt(KeyRecord key, boolean signs, long now) {
        if (key.keycloakActive()) {
            if (signs) {
                return key.state() == KeyState.ACTIVE && key.activated() > 0
                        ? key
                        : key.withState(KeyState.ACTIVE, now);
            }
            return key.withState(KeyState.RETIRED, now);
        }
        if (key.state() == KeyState.NEXT && key.created() > 0) {
            return key;
        }
        if (key.state() == KeyState.RETIRED && key.retired() > 0) {
            return key;
        }
        return key.withState(KeyState.RETIRED, now);
    }

    /** The earliest transition ahead. */
    private static final class Next {
        long at = Long.MAX_VALUE;
        String action;
        String kid;

        void consider(long candidate, String candidateAction, String candidateKid) {
            if (candidate < at) {
                at = candidate;
                action = candidateAction;
                kid = candidateKid;
            }
        }
    }
}
