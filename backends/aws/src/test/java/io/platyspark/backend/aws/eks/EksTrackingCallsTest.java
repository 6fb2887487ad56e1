package io.platyspark.backend.aws.eks;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.app.AppState;
import org.junit.jupiter.api.Test;

/**
 * The budget: 1,000 running apps on 5 virtual clusters cost at most one ListJobRuns walk per virtual
 * cluster per watchdog cycle, and no call per app — counted at the SDK against moto, through the real reconciler
 * and store.
 */
class EksTrackingCallsTest {

    @Test
    void aThousandAppsOnFiveVirtualClustersCostOneListWalkPerVirtualClusterPerCycle() {
        try (JobRunTracking tracking = new JobRunTracking(1_000, 5)) {
            JobRunTracking.Cycle first = tracking.cycle();
            JobRunTracking.Cycle second = tracking.cycle();

            for (JobRunTracking.Cycle cycle : java.util.List.of(first, second)) {
                assertThat(cycle.tracked()).isEqualTo(1_000);
                assertThat(cycle.walksPerVirtualCluster())
                        .as("walks per virtual cluster")
                        .containsOnlyKeys(tracking.virtualClusters())
                        .allSatisfy((vc, walks) -> assertThat(walks).isEqualTo(1));
                assertThat(cycle.describes()).as("DescribeJobRun calls").isZero();
                assertThat(cycle.otherCalls()).isZero();
            }
            assertThat(first.changed()).as("moto's runs are RUNNING").isEqualTo(1_000);
            assertThat(second.changed()).isZero();
            assertThat(tracking.states()).containsEntry(AppState.RUNNING, 1_000L);
        }
    }

    @Test
    void moreAppsOnOneVirtualClusterThanAPageStillCostOneWalkPerCycle() {
        // Two pages of the reconciler's (1,000 apps each) share the cycle's walk.
        try (JobRunTracking tracking = new JobRunTracking(1_500, 1)) {
            for (int i = 0; i < 2; i++) {
                JobRunTracking.Cycle cycle = tracking.cycle();
                assertThat(cycle.tracked()).isEqualTo(1_500);
                assertThat(cycle.walksPerVirtualCluster()).containsOnlyKeys(tracking.virtualClusters());
                assertThat(cycle.walksPerVirtualCluster().values()).containsExactly(1);
                assertThat(cycle.describes()).isZero();
            }
            assertThat(tracking.states()).containsEntry(AppState.RUNNING, 1_500L);
        }
    }
}
