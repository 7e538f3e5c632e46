package dev.apiguard.keycloak.abac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link MembershipList}: membership without building, everything else from the list built once. */
class MembershipListTest {

    private final AtomicInteger builds = new AtomicInteger();
    private final AtomicInteger checks = new AtomicInteger();

    private MembershipList of(List<String> names) {
        Set<String> members = Set.copyOf(names);
        return new MembershipList(
                name -> {
                    checks.incrementAndGet();
                    return members.contains(name);
                },
                () -> {
                    builds.incrementAndGet();
                    return names;
                });
    }

    @Test
    void containsWhenNotBuiltThenAnsweredByTheMembershipCheckAlone() {
        MembershipList roles = of(List.of("api-admin", "api-user"));

        assertThat(roles.contains("api-user")).isTrue();
        assertThat(roles.contains("auditor")).isFalse();
        assertThat(roles.contains("api-user")).isTrue();
        assertThat(roles.contains(null)).isFalse();
        assertThat(roles.contains(42)).isFalse();

        assertThat(checks).as("one check per name").hasValue(2);
        assertThat(builds).hasValue(0);
        assertThat(roles.isBuilt()).isFalse();
    }

    @Test
    void readWhenIteratedSizedOrComparedThenBuiltOnceAndContainsUsesTheBuiltList() {
        MembershipList roles = of(List.of("api-admin", "api-user"));

        assertThat(roles).containsExactly("api-admin", "api-user");
        assertThat(roles.size()).isEqualTo(2);
        assertThat(roles.get(1)).isEqualTo("api-user");
        assertThat(roles).isEqualTo(List.of("api-admin", "api-user"));
        assertThat(roles.hashCode()).isEqualTo(List.of("api-admin", "api-user").hashCode());
        assertThat(roles.contains("api-user")).isTrue();
        assertThat(roles.contains("auditor")).isFalse();

        assertThat(builds).hasValue(1);
        assertThat(checks).hasValue(0);
    }

    @Test
    void changeWhenAttemptedThenRefused() {
        MembershipList roles = of(new ArrayList<>(List.of("api-user")));

        assertThatThrownBy(() -> roles.add("api-admin")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> roles.remove("api-user")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> roles.set(0, "x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(roles).containsExactly("api-user");
    }

    @Test
    void buildWhenTheSupplierGivesANullNameThenRefused() {
        List<String> withNull = new ArrayList<>();
        withNull.add(null);
        MembershipList roles = new MembershipList(name -> false, () -> withNull);

        assertThatThrownBy(roles::size).isInstanceOf(NullPointerException.class);
    }

    @Test
    void containsWhenAskedBeforeAndAfterBuildingThenTheSameAnswerForRandomNames() {
        Random random = new Random(0x3e3b_e25L);
        for (int round = 0; round < 200; round++) {
            List<String> names = new ArrayList<>();
            for (int i = random.nextInt(6); i > 0; i--) {
                names.add("r" + random.nextInt(10));
            }
            MembershipList before = of(names);
            MembershipList after = of(names);
            after.size();
            for (int i = 0; i < 12; i++) {
                String name = "r" + i;
                assertThat(before.contains(name)).as("%s in %s", name, names).isEqualTo(names.contains(name));
                assertThat(after.contains(name)).as("%s in %s", name, names).isEqualTo(names.contains(name));
            }
            assertThat(before.isBuilt()).isFalse();
        }
    }

    @Test
    void directConditionWhenItAsksForOneRoleThenTheListIsNotBuilt() throws Exception {
        CompiledPolicies policies =
                OnePolicyDocument.compile("'api-user' in user.realmRoles && !('auditor' in user.realmRoles)");
        MembershipList roles = of(List.of("api-user"));
        PolicyInput input = PolicyInput.builder()
                .value(PolicyVariables.CLIENT_ID, "c")
                .value(PolicyVariables.USER_REALM_ROLES, roles)
                .build();

        Decision decision = policies.decide("s", "c", input, false);

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.PERMIT);
        assertThat(roles.isBuilt()).isFalse();
        assertThat(checks)
                .as("the index's guard and the condition ask 'api-user' once")
                .hasValue(2);
    }

    @Test
    void interpreterWhenAMacroReadsTheListThenItIsBuiltAndDecidesAsTheMembershipCheckWould() throws Exception {
        CompiledPolicies policies = OnePolicyDocument.compile("user.realmRoles.exists(r, r == 'api-user')");
        MembershipList holder = of(List.of("api-user"));
        MembershipList other = of(List.of("auditor"));

        Decision permitted = policies.decide(
                "s",
                "c",
                PolicyInput.builder()
                        .value(PolicyVariables.USER_REALM_ROLES, holder)
                        .build(),
                false);
        Decision denied = policies.decide(
                "s",
                "c",
                PolicyInput.builder()
                        .value(PolicyVariables.USER_REALM_ROLES, other)
                        .build(),
                false);

        assertThat(permitted.outcome()).isEqualTo(Decision.Outcome.PERMIT);
        assertThat(denied.outcome()).isEqualTo(Decision.Outcome.DENY);
        assertThat(holder.isBuilt()).isTrue();
    }
}
