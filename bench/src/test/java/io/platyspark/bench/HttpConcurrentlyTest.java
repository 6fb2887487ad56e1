package io.platyspark.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HttpConcurrentlyTest {

    @Test
    void makesEveryCallOnceFromAtMostTheGivenClients() {
        Set<Integer> calls = ConcurrentHashMap.newKeySet();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();

        long[] latencies = Http.concurrently(4, 1_000, n -> {
            if (!calls.add(n)) {
                duplicates.incrementAndGet();
            }
            threads.add(Thread.currentThread().getName());
        });

        assertThat(calls).hasSize(1_000);
        assertThat(duplicates).hasValue(0);
        assertThat(threads).hasSizeBetween(1, 4);
        assertThat(latencies).hasSize(1_000);
        assertThat(java.util.Arrays.stream(latencies).min().orElseThrow()).isPositive();
    }

    @Test
    void theFirstFailureStopsTheRunAndIsThrown() {
        AtomicInteger made = new AtomicInteger();

        assertThatThrownBy(() -> Http.concurrently(4, 100_000, n -> {
                    made.incrementAndGet();
                    if (n == 10) {
                        throw new java.io.IOException("refused");
                    }
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refused");
        assertThat(made.get()).isLessThan(100_000);
    }
}
