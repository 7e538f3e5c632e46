package dev.apiguard.keycloak.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Reading the cluster view from Keycloak's log: lines as Keycloak 26.7 (Infinispan 16) writes them. */
class ClusterViewTest {

    private static final String ALONE = "2026-11-29 04:14:20,982 INFO  [org.infinispan.CLUSTER] (executor-thread-1) "
            + "ISPN000094: Received new cluster view for channel ISPN: [vm-20212(v=16.0.12)|0] (1) [vm-20212(v=16.0.12)]\n";
    private static final String JOINED =
            "2026-11-29 04:15:14,598 INFO  [org.infinispan.CLUSTER] (jgroups-5,vm-20212(v=16.0.12)) "
                    + "ISPN000094: Received new cluster view for channel ISPN: [vm-20212(v=16.0.12)|1] (2) "
                    + "[vm-20212(v=16.0.12), vm-14275(v=16.0.12)]\n";
    private static final String MERGED =
            "2026-11-29 05:00:00,000 INFO  [org.infinispan.CLUSTER] (jgroups-9,vm-20212(v=16.0.12)) "
                    + "ISPN000093: Received new, MERGED cluster view for channel ISPN: MergeView::[vm-14275(v=16.0.12)|5] (2) "
                    + "[vm-14275(v=16.0.12), vm-20212(v=16.0.12)], 2 subgroups: [vm-20212(v=16.0.12)|4] (1) [vm-20212(v=16.0.12)]\n";

    @Test
    void latestClusterViewWhenNoViewLoggedThenEmpty() {
        assertThat(KeycloakCluster.latestClusterView("2026-11-29 INFO  [io.quarkus] Keycloak 26.7.0 started\n"))
                .isEmpty();
    }

    @Test
    void latestClusterViewWhenANodeJoinedThenTheLastViewCounts() {
        assertThat(KeycloakCluster.latestClusterView(ALONE + JOINED))
                .containsExactly("vm-20212(v=16.0.12)", "vm-14275(v=16.0.12)");
    }

    @Test
    void latestClusterViewWhenANodeLeftThenOneMember() {
        assertThat(KeycloakCluster.latestClusterView(JOINED + ALONE)).containsExactly("vm-20212(v=16.0.12)");
    }

    @Test
    void latestClusterViewWhenMergedThenTheMergedMembers() {
        assertThat(KeycloakCluster.latestClusterView(ALONE + MERGED))
                .containsExactly("vm-14275(v=16.0.12)", "vm-20212(v=16.0.12)");
    }

    @Test
    void latestClusterViewWhenCountAndMembersDisagreeThenError() {
        assertThatThrownBy(() -> KeycloakCluster.latestClusterView(JOINED.replace("(2)", "(3)")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("disagree");
    }
}
