package io.platyspark.core.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A team's concurrent submits on this server, stored a group at a time. A team's admissions are serialized (two
 * replicas must never both take the last slot), so one transaction per submit caps a team at one commit's latency
 * per app. Here the submit that finds nobody storing the team's apps becomes the leader: it takes every submit of
 * the team waiting so far (its own among them) and stores them in one transaction, with one quota check and one
 * commit; the others wait, without a database connection, for their outcome. A submit nobody took within {@code
 * wait} is withdrawn and refused, so a burst holds threads for a bounded time.
 *
 * @param <T> what storing one submit gives back
 */
final class AdmissionGroups<T> {

    /** One submit waiting to be stored. */
    static final class Pending<T, R> {
        final R request;
        private final CompletableFuture<T> outcome = new CompletableFuture<>();
        /** Wakes the waiting thread: its outcome is in, or the leader let go and it is first in line. */
        private final Semaphore turn = new Semaphore(0);

        Pending(R request) {
            this.request = request;
        }

        void stored(T result) {
            outcome.complete(result);
            turn.release();
        }

        void failed(Throwable e) {
            outcome.completeExceptionally(e);
            turn.release();
        }
    }

    private static final class Team<T, R> {
        final Queue<Pending<T, R>> waiting = new ConcurrentLinkedQueue<>();
        final ReentrantLock leader = new ReentrantLock();
    }

    private final int maxGroup;
    private final ConcurrentHashMap<String, Team<T, ?>> teams = new ConcurrentHashMap<>();

    AdmissionGroups(int maxGroup) {
        if (maxGroup < 1) {
            throw new IllegalArgumentException("maxGroup must be at least 1");
        }
        this.maxGroup = maxGroup;
    }

    /** Submits of the team waiting for a leader to take them (for tests). */
    int waiting(String team) {
        Team<T, ?> line = teams.get(team);
        return line == null ? 0 : line.waiting.size();
    }

    /**
     * Stores {@code request} with whatever else of the team's is waiting. {@code store} is given a group and must
     * settle every one of its members ({@link Pending#stored} or {@link Pending#failed}).
     */
    @SuppressWarnings("unchecked")
    <R> T submit(
            String team,
            R request,
            Duration wait,
            Supplier<RuntimeException> busy,
            BiConsumer<String, List<Pending<T, R>>> store) {
        Team<T, R> line = (Team<T, R>) teams.computeIfAbsent(team, t -> new Team<T, R>());
        Pending<T, R> mine = new Pending<>(request);
        // In line before trying to lead: a leader that lets go after this thread failed to lead finds it there.
        line.waiting.add(mine);
        long deadline = System.nanoTime() + wait.toNanos();
        while (!mine.outcome.isDone()) {
            if (!line.leader.tryLock()) {
                // A follower waits for its outcome or its turn to lead, not for the lock: the submits of a stored
                // group are not woken one after another through the lock while the next leader waits behind them.
                boolean woken;
                try {
                    woken = mine.turn.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    woken = false;
                }
                if (!woken && !mine.outcome.isDone()) {
                    if (line.waiting.remove(mine)) {
                        throw busy.get(); // nobody took it: nothing of it was written
                    }
                    break; // a leader is storing it right now: its outcome follows
                }
                continue;
            }
            try {
                // Everything drained is settled before the lock is let go, so a submit not yet settled is still
                // waiting in the line when its thread leads.
                while (!mine.outcome.isDone()) {
                    List<Pending<T, R>> group = new ArrayList<>();
                    Pending<T, R> next;
                    while (group.size() < maxGroup && (next = line.waiting.poll()) != null) {
                        group.add(next);
                    }
                    if (group.isEmpty()) {
                        throw new IllegalStateException("a submit was neither stored nor waiting");
                    }
                    storeSettlingAll(team, group, store);
                }
            } finally {
                line.leader.unlock();
                // The first still in line leads next (unless another took the lock meanwhile: it hands on in turn).
                Pending<T, R> first = line.waiting.peek();
                if (first != null) {
                    first.turn.release();
                }
            }
        }
        return outcome(mine);
    }

    private static <T, R> void storeSettlingAll(
            String team, List<Pending<T, R>> group, BiConsumer<String, List<Pending<T, R>>> store) {
        try {
            store.accept(team, group);
        } catch (RuntimeException e) {
            // Told to each of the group; the leader goes on with the next group (its own submit may be in it).
            for (Pending<T, R> p : group) {
                p.failed(e);
            }
        } catch (Error e) {
            for (Pending<T, R> p : group) {
                p.failed(e);
            }
            throw e;
        }
        for (Pending<T, R> p : group) {
            if (!p.outcome.isDone()) {
                p.failed(new IllegalStateException("the group's store left a submit unsettled"));
            }
        }
    }

    static <T> T outcome(Pending<T, ?> mine) {
        try {
            return mine.outcome.get();
        } catch (InterruptedException e) {
            // The leader is in its transaction; the outcome comes within that transaction's time.
            Thread.currentThread().interrupt();
            return mine.outcome.join();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }
}
