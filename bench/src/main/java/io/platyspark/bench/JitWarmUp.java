package io.platyspark.bench;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.DoubleSupplier;
import java.util.function.IntConsumer;

/**
 * Warm-up rounds until a server's JIT compiler has settled, as on a server that has run a while. Settled means the
 * last {@link #WINDOW} rounds added under {@link #SETTLED_MILLIS} of compilation in all. One quiet round is not
 * enough: on two busy cores the compiler threads get the CPU in bursts, and a round can add 1 ms between rounds
 * that add 800 (the submission scenario settled "after 22,000 submits" on such a round, and its compiler then took
 * a fifth of the server's CPU through every measured round; a window of ten settles after some 54,000).
 */
final class JitWarmUp {

    /** Rounds whose compilation is summed. */
    static final int WINDOW = 10;
    /** The compilation the last {@link #WINDOW} rounds may add: 50 ms a round on average. */
    static final double SETTLED_MILLIS = 500;

    /** How a warm-up ended: the rounds it ran, and whether the compiler had settled by then. */
    record Result(int rounds, boolean settled) {}

    private JitWarmUp() {}

    /**
     * Runs {@code round} (given its number) until the compiler has settled or {@code maxRounds} ran;
     * {@code compilationMillis} reads the server's total compilation time.
     */
    static Result run(DoubleSupplier compilationMillis, IntConsumer round, int maxRounds) {
        Deque<Double> window = new ArrayDeque<>();
        double sum = 0;
        double before = compilationMillis.getAsDouble();
        for (int n = 0; n < maxRounds; n++) {
            round.accept(n);
            double after = compilationMillis.getAsDouble();
            window.addLast(after - before);
            sum += after - before;
            if (window.size() > WINDOW) {
                sum -= window.removeFirst();
            }
            before = after;
            if (window.size() == WINDOW && sum < SETTLED_MILLIS) {
                return new Result(n + 1, true);
            }
        }
        return new Result(maxRounds, false);
    }
}
