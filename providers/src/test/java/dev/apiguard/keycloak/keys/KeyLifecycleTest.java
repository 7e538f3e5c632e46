package dev.apiguard.keycloak.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.keys.KeyLifecycle.Action;
import dev.apiguard.keycloak.keys.KeyLifecycle.Plan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schedule of one family, step by step, with a policy of 100 s rotation, 20 s ahead, 30 s kept. */
class KeyLifecycleTest {

    private static final RotationPolicy POLICY = new RotationPolicy(true, 100, 20, 30, 30, 10, 0);
    private static final long RETIREMENT = 30;

    private static KeyRecord active(String id, long activated) {
        return new KeyRecord(id, "kid-" + id, true, 100, KeyState.ACTIVE, activated, activated, 0);
    }

    private static KeyRecord next(String id, long created) {
        return new KeyRecord(id, "kid-" + id, false, 100, KeyState.NEXT, created, 0, 0);
    }

    private static KeyRecord retired(String id, long retiredAt) {
        return new KeyRecord(id, "kid-" + id, false, 100, KeyState.RETIRED, 1, 1, retiredAt);
    }

    private static List<Action> actions(Plan plan) {
        return plan.steps().stream().map(KeyLifecycle.Step::action).toList();
    }

    @Test
    void planWhenActiveKeyIsYoungThenNothingIsDueAndPublicationIsNext() {
        Plan plan = KeyLifecycle.plan(POLICY, RETIREMENT, 1_050, List.of(active("a", 1_000)));

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.nextAt()).isEqualTo(1_080);
        assertThat(plan.nextAction()).isEqualTo("publish-next");
    }

    @Test
    void planWhenPublicationIsDueThenNextKeyIsCreatedAndActivationWaitsForTheRotationTime() {
        Plan plan = KeyLifecycle.plan(POLICY, RETIREMENT, 1_080, List.of(active("a", 1_000)));

        assertThat(actions(plan)).containsExactly(Action.CREATE_NEXT);
        assertThat(plan.nextAt()).isEqualTo(1_100);
        assertThat(plan.nextAction()).isEqualTo("activate");
    }

    @Test
    void planWhenNextKeyIsPublishedButRotationTimeNotReachedThenItWaits() {
        Plan plan = KeyLifecycle.plan(POLICY, RETIREMENT, 1_099, List.of(active("a", 1_000), next("b", 1_080)));

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.nextAt()).isEqualTo(1_100);
        assertThat(plan.nextKid()).isEqualTo("kid-b");
    }

    @Test
    void planWhenRotationTimeIsReachedThenNextSignsAndCurrentRetires() {
        Plan plan = KeyLifecycle.plan(POLICY, RETIREMENT, 1_100, List.of(active("a", 1_000), next("b", 1_080)));

        assertThat(actions(plan)).containsExactly(Action.ACTIVATE, Action.RETIRE);
        assertThat(plan.steps().get(0).after())
                .isEqualTo(new KeyRecord("b", "kid-b", true, 100, KeyState.ACTIVE, 1_080, 1_100, 0));
        assertThat(plan.steps().get(1).after().state()).isEqualTo(KeyState.RETIRED);
        assertThat(plan.steps().get(1).after().retired()).isEqualTo(1_100);
        assertThat(plan.steps().get(1).after().keycloakActive()).isFalse();
        // The retired key is deleted after its retirement, before the new key's next publication.
        assertThat(plan.nextAt()).isEqualTo(1_130);
        assertThat(plan.nextAction()).isEqualTo("delete");
        assertThat(plan.nextKid()).isEqualTo("kid-a");
    }

    @Test
    void planAfterDowntimeThenALateNextKeyStillWaitsItsWholePrePublication() {
        // Down from 1 070 to 5 000: the next key is created now and signs only 20 s later.
        Plan created = KeyLifecycle.plan(POLICY, RETIREMENT, 5_000, List.of(active("a", 1_000)));
        assertThat(actions(created)).containsExactly(Action.CREATE_NEXT);
        assertThat(created.nextAt()).isEqualTo(5_020);

        Plan waiting = KeyLifecycle.plan(POLICY, RETIREMENT, 5_019, List.of(active("a", 1_000), next("b", 5_000)));
        assertThat(waiting.steps()).isEmpty();

        Plan activated = KeyLifecycle.plan(POLICY, RETIREMENT, 5_020, List.of(active("a", 1_000), next("b", 5_000)));
        assertThat(actions(activated)).containsExactly(Action.ACTIVATE, Action.RETIRE);
    }

    @Test
    void planAfterDowntimeThenARetiredKeyIsDeletedOnlyWhenItsRetirementHasEnded() {
        assertThat(KeyLifecycle.plan(POLICY, RETIREMENT, 1_129, List.of(active("b", 1_100), retired("a", 1_100)))
                        .steps())
                .isEmpty();
        assertThat(actions(
                        KeyLifecycle.plan(POLICY, RETIREMENT, 1_130, List.of(active("b", 1_100), retired("a", 1_100)))))
                .containsExactly(Action.DELETE);
        assertThat(actions(
                        KeyLifecycle.plan(POLICY, RETIREMENT, 9_999, List.of(active("b", 9_990), retired("a", 1_100)))))
                .containsExactly(Action.DELETE);
    }

    @Test
    void planWhenRealmNeedsLongerRetirementThenTheLongerOneIsApplied() {
        assertThat(KeyLifecycle.plan(POLICY, 60, 1_130, List.of(active("b", 1_100), retired("a", 1_100)))
                        .steps())
                .isEmpty();
        assertThat(actions(KeyLifecycle.plan(POLICY, 60, 1_160, List.of(active("b", 1_100), retired("a", 1_100)))))
                .containsExactly(Action.DELETE);
    }

    @Test
    void planWhenKeysAreNotRecordedThenSignerIsAdoptedActiveAndOtherKeysRetired() {
        KeyRecord signer = new KeyRecord("a", "kid-a", true, 200, null, 0, 0, 0);
        KeyRecord lowerActive = new KeyRecord("b", "kid-b", true, 100, null, 0, 0, 0);
        KeyRecord passive = new KeyRecord("c", "kid-c", false, 300, null, 0, 0, 0);

        Plan plan = KeyLifecycle.plan(POLICY, RETIREMENT, 2_000, List.of(signer, lowerActive, passive));

        assertThat(actions(plan)).containsExactly(Action.ADOPT, Action.RETIRE, Action.ADOPT);
        assertThat(plan.steps().get(0).after())
                .isEqualTo(new KeyRecord("a", "kid-a", true, 200, KeyState.ACTIVE, 0, 2_000, 0));
        assertThat(plan.steps().get(1).after().keycloakActive()).isFalse();
        assertThat(plan.steps().get(2).after().state()).isEqualTo(KeyState.RETIRED);
        assertThat(plan.nextAt()).isEqualTo(2_030);
    }

    @Test
    void planWhenRecordDisagreesWithKeycloakThenKeycloakWins() {
        // Recorded next, but an administrator made it active with a higher priority: it signs.
        KeyRecord madeActive = new KeyRecord("b", "kid-b", true, 300, KeyState.NEXT, 1_000, 0, 0);
        KeyRecord oldActive = active("a", 1_000);

        Plan plan = KeyLifecycle.plan(POLICY, RETIREMENT, 1_010, List.of(oldActive, madeActive));

        assertThat(actions(plan)).containsExactly(Action.RETIRE, Action.ADOPT);
        assertThat(plan.steps().get(1).after().state()).isEqualTo(KeyState.ACTIVE);
    }

    @Test
    void planWhenNoKeySignsButNextIsPublishedThenNextSignsAtOnce() {
        Plan plan = KeyLifecycle.plan(POLICY, RETIREMENT, 1_001, List.of(next("b", 1_000)));

        assertThat(actions(plan)).containsExactly(Action.ACTIVATE);
    }

    @Test
    void signerWhenPrioritiesTieThenLowestComponentIdSignsAsInKeycloak() {
        KeyRecord first = new KeyRecord("a1", "k1", true, 100, null, 0, 0, 0);
        KeyRecord second = new KeyRecord("b2", "k2", true, 100, null, 0, 0, 0);

        assertThat(KeyLifecycle.signer(List.of(second, first))).contains(first);
    }

    @Test
    void wholeCycleWhenSteppedSecondBySecondThenEachTransitionHappensOnce() {
        List<KeyRecord> keys = new java.util.ArrayList<>(List.of(active("a", 1_000)));
        int created = 0;
        int activated = 0;
        int deleted = 0;
        for (long now = 1_000; now <= 1_400; now++) {
            Plan plan = KeyLifecycle.plan(POLICY, RETIREMENT, now, keys);
            for (KeyLifecycle.Step step : plan.steps()) {
                switch (step.action()) {
                    case CREATE_NEXT -> {
                        keys.add(next("n" + now, now));
                        created++;
                    }
                    case ACTIVATE -> {
                        keys.set(keys.indexOf(step.before()), step.after());
                        activated++;
                    }
                    case RETIRE, ADOPT -> keys.set(keys.indexOf(step.before()), step.after());
                    case DELETE -> {
                        keys.remove(step.before());
                        deleted++;
                    }
                }
            }
            assertThat(keys.stream().filter(KeyRecord::keycloakActive))
                    .as("signing keys at %d: %s", now, keys)
                    .hasSize(1);
            assertThat(keys).as("keys at %d", now).hasSizeLessThanOrEqualTo(3);
        }
        // Rotations at 1 100, 1 200, 1 300, 1 400; deletions 30 s after each but the last.
        assertThat(created).as("created %s", keys).isEqualTo(4);
        assertThat(activated).isEqualTo(4);
        assertThat(deleted).isEqualTo(3);
    }
}
