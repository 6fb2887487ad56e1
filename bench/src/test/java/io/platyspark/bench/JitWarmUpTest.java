package io.platyspark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JitWarmUpTest {

    /** A compiler that adds {@code perRound[n]} ms in round n (and nothing after the last given). */
    private static JitWarmUp.Result warmUp(int maxRounds, double... perRound) {
        double[] total = {0};
        List<Integer> ran = new ArrayList<>();
        JitWarmUp.Result result = JitWarmUp.run(
                () -> total[0],
                n -> {
                    ran.add(n);
                    total[0] += n < perRound.length ? perRound[n] : 0;
                },
                maxRounds);
        assertThat(ran).hasSize(result.rounds());
        return result;
    }

    @Test
    void oneQuietRoundAmongBusyOnesDoesNotSettle() {
        double[] busy = new double[30];
        java.util.Arrays.fill(busy, 800);
        busy[5] = 1; // the compiler threads did not get the CPU this round

        assertThat(warmUp(30, busy)).isEqualTo(new JitWarmUp.Result(30, false));
    }

    @Test
    void settlesWhenTheLastWindowAddsLittleInAll() {
        // 12 busy rounds, then rounds of 40 ms: the window holds only quiet rounds after round 22.
        double[] perRound = new double[40];
        for (int n = 0; n < perRound.length; n++) {
            perRound[n] = n < 12 ? 900 : 40;
        }

        assertThat(warmUp(100, perRound)).isEqualTo(new JitWarmUp.Result(12 + JitWarmUp.WINDOW, true));
    }

    @Test
    void aLateBurstWithinTheWindowKeepsItWarmingUp() {
        double[] perRound = new double[40];
        java.util.Arrays.fill(perRound, 0, 10, 900);
        perRound[15] = 600; // quiet from round 10 on, but a window that holds round 15 adds 600 ms

        assertThat(warmUp(100, perRound)).isEqualTo(new JitWarmUp.Result(16 + JitWarmUp.WINDOW, true));
    }
}
