package io.platyspark.core.web;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * How many requests of each token this server serves at once, shared between the tokens calling it.
 *
 * <p>A token calling alone may have {@code maxInFlight} requests served at once. While n tokens are active, each
 * may have {@code max(1, seats / n)} served at once, so one team's burst keeps at most its share of the server's
 * cores and connections busy while another team calls. A request over its token's share is not refused: it waits
 * in its token's queue (first come, first served) until one of that token's requests ends. A token with
 * {@code maxInFlight} requests served and waiting has the next one refused at once, and so has a request that
 * waited {@code maxWait}. Other tokens' requests never wait behind it.
 *
 * <p>A waiting request holds a server thread, so at most {@code maxWaiting} wait at once, and each of the n tokens
 * with requests waiting at most an equal part of them with one part kept for a token that has none waiting yet,
 * {@code maxWaiting / (n + 1)} rounded up: a request that would wait beyond either is refused at once. However many
 * teams burst, threads are left to serve the requests that are within their share and the probes, and no token can
 * take the others' places in the waiting room; a token bursting alone may fill half of it.
 *
 * <p>A token is active while it has requests here and for {@link #GRACE} after its last one ends, so a client that
 * sends one call after another keeps its share between calls. Only tokens whose last request was not answered 401
 * count: made-up tokens cannot shrink the real ones' shares, and an idle made-up token is forgotten at once.
 */
final class InFlightShares {

    /** How long a token stays active after its last request ends. */
    static final Duration GRACE = Duration.ofSeconds(1);

    enum Outcome {
        /** Serve the request; {@link #leave} must follow. */
        SERVE,
        /** The token already has {@code maxInFlight} requests served and waiting. */
        FULL,
        /** The request waited {@code maxWait} for its turn. */
        WAITED_TOO_LONG,
        /** The request is over its token's share, and {@code maxWaiting} (or its token's part) already wait. */
        NO_ROOM_TO_WAIT
    }

    private final int seats;
    private final int maxInFlight;
    private final int maxWaiting;
    private final long maxWaitNanos;
    private final LongSupplier nanoClock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Flow> flows = new HashMap<>();
    // Flows that went idle, oldest first; an entry is stale when its flow was busy again since.
    private final ArrayDeque<Idle> idle = new ArrayDeque<>();
    private int active; // flows in the map whose token authenticated
    private int waiting;
    private int waitingFlows; // flows with a request in their queue

    InFlightShares(int seats, int maxInFlight, int maxWaiting, Duration maxWait, LongSupplier nanoClock) {
        if (seats < 1 || maxInFlight < 1 || maxWaiting < 0) {
            throw new IllegalArgumentException("seats and maxInFlight must be at least 1, maxWaiting at least 0");
        }
        this.seats = seats;
        this.maxInFlight = maxInFlight;
        this.maxWaiting = maxWaiting;
        this.maxWaitNanos = maxWait.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Admits a request of {@code token}, waiting for its turn while its token is over its share.
     *
     * @return {@link Outcome#SERVE}, after which {@link #leave} must be called once, or why it was refused
     */
    Outcome enter(String token) {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            expire(now);
            Flow flow = flows.computeIfAbsent(token, Flow::new);
            if (flow.serving + flow.queue.size() >= maxInFlight) {
                return Outcome.FULL;
            }
            if (flow.queue.isEmpty() && flow.serving < share(flow)) {
                flow.serving++;
                return Outcome.SERVE;
            }
            if (waiting >= maxWaiting || flow.queue.size() >= waitingPart(flow)) {
                return Outcome.NO_ROOM_TO_WAIT; // its token has a request served here, so it stays in the table
            }
            Waiter waiter = new Waiter(lock.newCondition());
            if (flow.queue.isEmpty()) {
                waitingFlows++;
            }
            flow.queue.add(waiter);
            waiting++; // leftQueue undoes both counts
            return await(flow, waiter, now + maxWaitNanos);
        } finally {
            lock.unlock();
        }
    }

    private Outcome await(Flow flow, Waiter waiter, long deadline) {
        boolean interrupted = false;
        try {
            while (!waiter.admitted) {
                long left = deadline - nanoClock.getAsLong();
                if (left <= 0 || interrupted) {
                    flow.queue.remove(waiter);
                    leftQueue(flow);
                    forgetIfIdle(flow, nanoClock.getAsLong());
                    return Outcome.WAITED_TOO_LONG;
                }
                try {
                    waiter.turn.awaitNanos(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return Outcome.SERVE;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Ends a request admitted by {@link #enter}; {@code authenticated} is false when it was answered 401, so the
     * token does not count as active.
     */
    void leave(String token, boolean authenticated) {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            Flow flow = flows.get(token);
            if (flow == null || flow.serving == 0) {
                throw new IllegalStateException("leave without enter");
            }
            flow.serving--;
            if (authenticated != flow.authenticated) {
                flow.authenticated = authenticated;
                active += authenticated ? 1 : -1;
            }
            while (!flow.queue.isEmpty() && flow.serving < share(flow)) {
                Waiter next = flow.queue.poll();
                leftQueue(flow);
                flow.serving++;
                next.admitted = true;
                next.turn.signal();
            }
            forgetIfIdle(flow, now);
            expire(now);
        } finally {
            lock.unlock();
        }
    }

    /** Requests of {@code token} served or waiting here (0 when none). */
    int inFlight(String token) {
        lock.lock();
        try {
            Flow flow = flows.get(token);
            return flow == null ? 0 : flow.serving + flow.queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting for their token's turn, all tokens together. */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** Tokens now counted as active (authenticated, with requests here or within {@link #GRACE} of the last). */
    int active() {
        lock.lock();
        try {
            expire(nanoClock.getAsLong());
            return active;
        } finally {
            lock.unlock();
        }
    }

    /** Counts out a waiter that has just left {@code flow}'s queue, turned away or admitted. */
    private void leftQueue(Flow flow) {
        waiting--;
        if (flow.queue.isEmpty()) {
            waitingFlows--;
        }
    }

    private int share(Flow flow) {
        int tokens = tokens(flow);
        return tokens <= 1 ? maxInFlight : Math.max(1, seats / tokens);
    }

    /** Equal parts for the tokens with requests waiting, this one included, and one more kept for a newcomer. */
    private int waitingPart(Flow flow) {
        int parts = waitingFlows + (flow.queue.isEmpty() ? 1 : 0) + 1;
        return (maxWaiting + parts - 1) / parts;
    }

    private int tokens(Flow flow) {
        return Math.max(1, active + (flow.authenticated ? 0 : 1));
    }

    private void forgetIfIdle(Flow flow, long now) {
        if (flow.serving > 0 || !flow.queue.isEmpty()) {
            return;
        }
        if (flow.authenticated) {
            flow.idleSince = now;
            idle.add(new Idle(flow, now));
        } else {
            flows.remove(flow.token);
        }
    }

    private void expire(long now) {
        long grace = GRACE.toNanos();
        while (!idle.isEmpty() && now - idle.peek().since >= grace) {
            Idle entry = idle.poll();
            Flow flow = entry.flow;
            boolean stillIdle = flow.serving == 0 && flow.queue.isEmpty() && flow.idleSince == entry.since;
            if (stillIdle && flows.get(flow.token) == flow) {
                flows.remove(flow.token);
                if (flow.authenticated) {
                    active--;
                }
            }
        }
    }

    private static final class Flow {
        final String token;
        final ArrayDeque<Waiter> queue = new ArrayDeque<>();
        int serving;
        boolean authenticated;
        long idleSince;

        Flow(String token) {
            this.token = token;
        }
    }

    private static final class Waiter {
        final Condition turn;
        boolean admitted;

        Waiter(Condition turn) {
            this.turn = turn;
        }
    }

    private record Idle(Flow flow, long since) {}
}
