package io.platyspark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** CpuTime reads /proc: CI and the bench run on Linux, where a figure must never come out NaN. */
class CpuTimeTest {

    @Test
    void aProcessThatWorksHasUsedMoreCpuAfterwards() {
        long self = ProcessHandle.current().pid();
        double before = CpuTime.ofProcess(self);
        long sum = 0;
        long until = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < until) {
            sum += Long.numberOfTrailingZeros(sum + System.nanoTime());
        }
        double after = CpuTime.ofProcess(self);

        assertThat(sum).isPositive();
        assertThat(before).isPositive();
        // 0.3 s spent on CPU; ticks are 1/100 s and this thread may share its core.
        assertThat(after - before).isGreaterThanOrEqualTo(0.05);
    }

    @Test
    void byNameCountsThisJvmAmongItsNamesakes() {
        String name = ProcessHandle.current().info().command().orElseThrow();
        String comm = java.nio.file.Path.of(name).getFileName().toString();
        double self = CpuTime.ofProcess(ProcessHandle.current().pid());

        assertThat(CpuTime.ofCommand(comm)).isGreaterThanOrEqualTo(self);
        assertThat(CpuTime.ofCommand("no-such-command-here")).isZero();
        assertThat(CpuTime.ofProcess(Long.MAX_VALUE)).isNaN();
    }
}
