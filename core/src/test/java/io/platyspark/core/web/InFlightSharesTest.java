package io.platyspark.core.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.core.web.InFlightShares.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InFlightSharesTest {

    private final AtomicLong clock = new AtomicLong();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private InFlightShares shares(int seats, int maxInFlight, Duration maxWait) {
        return new InFlightShares(seats, maxInFlight, 100, maxWait, clock::get);
    }

    /** One request of {@code token} that ends at once, so the token counts as authenticated and active. */
    private static void call(InFlightShares shares, String token) {
        assertThat(shares.enter(token)).isEqualTo(Outcome.SERVE);
        shares.leave(token, true);
    }

    private Future<Outcome> enterLater(InFlightShares shares, String token) {
        return threads.submit(() -> shares.enter(token));
    }

    /** A request of each token in turn, each on a thread of its own and waiting before the next is sent. */
    private List<Future<Outcome>> queueWaiters(InFlightShares shares, String... tokens) {
        List<Future<Outcome>> waiters = new ArrayList<>();
        int before = shares.waiting();
        for (String token : tokens) {
            waiters.add(enterLater(shares, token));
            int n = before + waiters.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> shares.waiting() == n);
        }
        return waiters;
    }

    @Test
    void aTokenCallingAloneHasAllItsAllowanceServedAtOnce() {
        InFlightShares shares = shares(4, 6, Duration.ofSeconds(5));
        call(shares, "a");

        for (int i = 0; i < 6; i++) {
            assertThat(shares.enter("a")).isEqualTo(Outcome.SERVE);
        }

        assertThat(shares.enter("a")).isEqualTo(Outcome.FULL);
        assertThat(shares.waiting()).isZero();
        assertThat(shares.inFlight("a")).isEqualTo(6);
    }

    @Test
    void whileAnotherTokenCallsARequestOverItsShareWaitsForItsOwnTokensTurn() throws Exception {
        InFlightShares shares = shares(4, 32, Duration.ofSeconds(30));
        call(shares, "a");
        call(shares, "b");
        assertThat(shares.active()).isEqualTo(2);
        assertThat(shares.enter("a")).isEqualTo(Outcome.SERVE);
        assertThat(shares.enter("a")).isEqualTo(Outcome.SERVE);

        Future<Outcome> third = enterLater(shares, "a");
        await().atMost(Duration.ofSeconds(10)).until(() -> shares.waiting() == 1);
        // b is not behind a's queue: its share is its own
        assertThat(shares.enter("b")).isEqualTo(Outcome.SERVE);
        assertThat(third).isNotDone();

        shares.leave("b", true);
        assertThat(third).isNotDone();
        shares.leave("a", true);

        assertThat(third.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.SERVE);
        assertThat(shares.waiting()).isZero();
        assertThat(shares.inFlight("a")).isEqualTo(2);
    }

    @Test
    void waitersAreServedInTheOrderTheyCame() throws Exception {
        InFlightShares shares = shares(2, 32, Duration.ofSeconds(30));
        call(shares, "b");
        call(shares, "a");
        assertThat(shares.enter("a")).isEqualTo(Outcome.SERVE);
        List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            waiters.add(threads.submit(() -> {
                assertThat(shares.enter("a")).isEqualTo(Outcome.SERVE);
                order.add(n);
            }));
            await().atMost(Duration.ofSeconds(10)).until(() -> shares.waiting() == n + 1);
        }

        for (int i = 0; i < 3; i++) {
            shares.leave("a", true);
            int served = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> order.size() == served);
        }

        assertThat(order).containsExactly(0, 1, 2);
        for (Future<?> waiter : waiters) {
            waiter.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRequestThatWaitedMaxWaitIsRefusedAndLeavesNothingBehind() throws Exception {
        InFlightShares shares = new InFlightShares(2, 32, 100, Duration.ofMillis(100), System::nanoTime);
        call(shares, "a");
        call(shares, "b");
        assertThat(shares.enter("b")).isEqualTo(Outcome.SERVE); // b stays active while it has a request here
        assertThat(shares.enter("a")).isEqualTo(Outcome.SERVE);

        assertThat(shares.enter("a")).isEqualTo(Outcome.WAITED_TOO_LONG);

        assertThat(shares.waiting()).isZero();
        assertThat(shares.inFlight("a")).isEqualTo(1);
        shares.leave("a", true);
        assertThat(shares.inFlight("a")).isZero();
    }

    @Test
    void theAllowanceCountsWaitingRequestsToo() throws Exception {
        InFlightShares shares = shares(2, 3, Duration.ofSeconds(30));
        call(shares, "a");
        call(shares, "b");
        assertThat(shares.enter("a")).isEqualTo(Outcome.SERVE);
        List<Future<Outcome>> waiters = queueWaiters(shares, "a", "a");

        assertThat(shares.enter("a")).isEqualTo(Outcome.FULL);

        shares.leave("a", true);
        shares.leave("a", true);
        shares.leave("a", true);
        for (Future<Outcome> waiter : waiters) {
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.SERVE);
        }
    }

    @Test
    void eachTokenMayHaveItsPartOfTheWaitingRoomAndNoMore() throws Exception {
        InFlightShares shares = new InFlightShares(2, 32, 4, Duration.ofSeconds(30), clock::get);
        call(shares, "a");
        call(shares, "b");
        assertThat(shares.enter("a")).isEqualTo(Outcome.SERVE);
        List<Future<Outcome>> waiters = queueWaiters(shares, "a", "a");

        // a's part of the 4 is 2 (half, the other half kept for a token with none waiting yet): its next request is
        // refused at once, not held on a thread (asked on another thread: were it to wait instead, the fake clock
        // would hold it forever)
        assertThat(enterLater(shares, "a").get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.NO_ROOM_TO_WAIT);
        assertThat(shares.inFlight("a")).isEqualTo(3);
        // b's part is untouched by a's burst
        assertThat(shares.enter("b")).isEqualTo(Outcome.SERVE);
        Future<Outcome> bWaits = queueWaiters(shares, "b").get(0);

        shares.leave("a", true);
        shares.leave("a", true);
        shares.leave("b", true);
        for (Future<Outcome> waiter : waiters) {
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.SERVE);
        }
        assertThat(bWaits.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.SERVE);
        assertThat(shares.waiting()).isZero();
    }

    @Test
    void tokensThatCallWithoutWaitingDoNotShrinkTheWaitingTokensPart() throws Exception {
        InFlightShares shares = new InFlightShares(4, 32, 6, Duration.ofSeconds(30), clock::get);
        for (String token : List.of("a", "b", "c", "d")) {
            call(shares, token);
        }
        assertThat(shares.enter("a")).isEqualTo(Outcome.SERVE);
        List<Future<Outcome>> waiters = queueWaiters(shares, "a", "a", "a");

        // Only a waits: its part is half of the 6, though four tokens are active.
        assertThat(enterLater(shares, "a").get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.NO_ROOM_TO_WAIT);

        for (int i = 0; i < 4; i++) {
            shares.leave("a", true);
        }
        for (Future<Outcome> waiter : waiters) {
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.SERVE);
        }
        assertThat(shares.waiting()).isZero();
    }

    @Test
    void noMoreThanMaxWaitingWaitEvenWhenTokensArriveAfterOthersFilledTheirParts() throws Exception {
        InFlightShares shares = new InFlightShares(2, 32, 4, Duration.ofSeconds(30), clock::get);
        call(shares, "a");
        call(shares, "b");
        assertThat(shares.enter("a")).isEqualTo(Outcome.SERVE);
        assertThat(shares.enter("b")).isEqualTo(Outcome.SERVE);
        List<Future<Outcome>> waiters = queueWaiters(shares, "a", "a", "b", "b");
        call(shares, "c"); // a third team: each part is now 2 of 4, and the room is full
        assertThat(shares.enter("c")).isEqualTo(Outcome.SERVE);

        // on another thread: were it to wait instead, the fake clock would hold it forever
        assertThat(enterLater(shares, "c").get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.NO_ROOM_TO_WAIT);
        assertThat(shares.waiting()).isEqualTo(4);

        shares.leave("a", true);
        shares.leave("a", true);
        shares.leave("a", true);
        shares.leave("b", true);
        shares.leave("b", true);
        shares.leave("b", true);
        for (Future<Outcome> waiter : waiters) {
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.SERVE);
        }
    }

    @Test
    void withNoWaitingRoomARequestOverItsShareIsRefusedAtOnce() throws Exception {
        InFlightShares shares = new InFlightShares(2, 32, 0, Duration.ofSeconds(30), clock::get);
        call(shares, "a");
        call(shares, "b");
        assertThat(shares.enter("a")).isEqualTo(Outcome.SERVE);

        // on another thread: were it to wait instead, the fake clock would hold it forever
        assertThat(enterLater(shares, "a").get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.NO_ROOM_TO_WAIT);

        shares.leave("a", true);
        assertThat(shares.inFlight("a")).isZero();
        assertThat(shares.waiting()).isZero();
    }

    @Test
    void madeUpTokensNeitherShrinkSharesNorStay() {
        InFlightShares shares = shares(4, 8, Duration.ofSeconds(5));
        call(shares, "a");
        for (int i = 0; i < 1000; i++) {
            String madeUp = "made-up-" + i;
            assertThat(shares.enter(madeUp)).isEqualTo(Outcome.SERVE);
            shares.leave(madeUp, false);
            assertThat(shares.inFlight(madeUp)).isZero();
        }

        assertThat(shares.active()).isEqualTo(1);
        for (int i = 0; i < 8; i++) {
            assertThat(shares.enter("a")).isEqualTo(Outcome.SERVE);
        }
    }

    @Test
    void aTokenStaysActiveForTheGraceAfterItsLastRequestThenTheOtherHasItAll() {
        InFlightShares shares = shares(4, 8, Duration.ofSeconds(5));
        call(shares, "a");
        call(shares, "b");

        clock.addAndGet(InFlightShares.GRACE.toNanos() - 1);
        assertThat(shares.active()).isEqualTo(2);
        call(shares, "a"); // a keeps calling; b has stopped

        clock.addAndGet(1);
        assertThat(shares.active()).isEqualTo(1);
        for (int i = 0; i < 8; i++) {
            assertThat(shares.enter("a")).isEqualTo(Outcome.SERVE);
        }
        assertThat(shares.enter("a")).isEqualTo(Outcome.FULL);
    }

    @Test
    void aTokenAnswered401StopsCountingAtOnce() {
        InFlightShares shares = shares(4, 8, Duration.ofSeconds(5));
        call(shares, "a");
        call(shares, "revoked");
        assertThat(shares.active()).isEqualTo(2);

        assertThat(shares.enter("revoked")).isEqualTo(Outcome.SERVE);
        shares.leave("revoked", false);

        assertThat(shares.active()).isEqualTo(1);
    }

    @Test
    void aShareIsAtLeastOneRequestHoweverManyTokensCall() {
        InFlightShares shares = shares(2, 8, Duration.ofSeconds(5));
        for (int i = 0; i < 5; i++) {
            call(shares, "t" + i);
        }

        for (int i = 0; i < 5; i++) {
            assertThat(shares.enter("t" + i)).isEqualTo(Outcome.SERVE);
        }
        assertThat(shares.active()).isEqualTo(5);
    }

    /**
     * Threads of three tokens enter and leave at random while the clock stands still (so no token's activity
     * ends): no token ever has more than its share served at once, every request is served in the end, and
     * nothing is left counted.
     */
    @Test
    void underContentionNoTokenExceedsItsShareAndNoWaiterIsLost() throws Exception {
        InFlightShares shares = shares(6, 40, Duration.ofSeconds(60));
        String[] tokens = {"a", "b", "c"};
        for (String token : tokens) {
            call(shares, token);
        }
        AtomicReferenceArray<Integer> serving = new AtomicReferenceArray<>(new Integer[] {0, 0, 0});
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (int t = 0; t < 30; t++) {
            int token = t % 3;
            work.add(CompletableFuture.runAsync(
                    () -> {
                        for (int i = 0; i < 200; i++) {
                            assertThat(shares.enter(tokens[token])).isEqualTo(Outcome.SERVE);
                            int now = serving.accumulateAndGet(token, 1, Integer::sum);
                            mostAtOnce.accumulateAndGet(now, Math::max);
                            Thread.yield();
                            serving.accumulateAndGet(token, -1, Integer::sum);
                            served.incrementAndGet();
                            shares.leave(tokens[token], true);
                        }
                    },
                    threads));
        }

        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertThat(served.get()).isEqualTo(30 * 200);
        assertThat(mostAtOnce.get()).isBetween(1, 6 / 3);
        assertThat(shares.waiting()).isZero();
        for (String token : tokens) {
            assertThat(shares.inFlight(token)).isZero();
        }
        assertThat(shares.active()).isEqualTo(3);
    }
}
