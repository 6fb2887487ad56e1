package io.platyspark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The bench at tiny sizes, so it keeps working; its figures mean nothing at this size. */
class BenchSmokeTest {

    @Test
    void everyScenarioRunsAndReportsFigures() throws Exception {
        Path repo = Path.of(System.getProperty("platy.repo.root"));

        Report report = Bench.run(Bench.Sizes.SMOKE, repo);
        String table = report.markdown();

        assertThat(table)
                // the seeded 2,000 apps and the server's warm-up submits
                .containsPattern("\\| store: list a full page of 100 \\| p99 with 2,\\d{3} apps, 8,\\d{3} events \\|")
                .containsPattern("\\| store: get one app \\| p99 with 2,\\d{3} apps, 8,\\d{3} events \\|")
                .contains("| store: cleaner | purge 1,800 finished apps and 7,200 events |")
                .contains("| store: submit during purge | submit p99, cleaner working |")
                .contains("| footprint | resident memory after load |")
                .contains("| footprint | start to readiness, class-data sharing (s) |")
                .contains("| recovery after kill -9 of spark-server | kill -9 → every in-flight app settled |")
                .contains("| submit (defaults), 1 connection | accept p50 vs real Livy |")
                .contains("| submit (defaults), 16 connections | drain: batches at Livy/s |")
                .contains("| submit (defaults), 16 connections | CPU per accepted app: spark-server |")
                .contains("| submit (tuned: 8 threads, batches of 20, 50 ms poll), 16 connections | accepted/s |")
                .contains("| tracking 200 apps on 10 clusters, 100 batches per Livy | Livy calls per cycle |")
                .contains("| watchdog, 2,000 running apps on 50 clusters | peak resident memory (VmHWM) |")
                // the image's JVM as a container limited to 1 GiB makes it, and the same with G1
                .contains("so the JVM chose Serial;")
                .contains(
                        "| watchdog, 2,000 running apps on 50 clusters | peak resident memory (VmHWM), -XX:+UseG1GC |")
                .contains("| EMR budget, 60 + 60 foreign clusters | EMR API calls per cycle | 3 calls | 60 calls |")
                .contains("| masking, one 1 MB value | time to mask (median of 21) |")
                .containsPattern("\\| event log of \\d+ MB, -Xmx256m \\| time to summarise \\|")
                .contains("| machine | reference CPU work at the start: sorting 1,000,000 longs, one thread |")
                .contains("| machine | reference CPU work at the end: sorting 1,000,000 longs, one thread |")
                .contains("## Goals (issue 25), from this run")
                .doesNotContain("MB | resident memory idle |")
                // no time of ours missing (a figure's baseline column says n/a by design)
                .doesNotContainPattern("(?m)^\\| [^|]+ \\| [^|]+ \\| n/a ms \\|");
        assertThat(table).containsPattern("Machine: \\d+ cores");
        // every figure carries the machine's load as it was taken
        assertThat(table).containsPattern("\\| \\d+\\.\\d+ \\d+\\.\\d+ \\d+\\.\\d+ \\|\\n");
        assertThat(table).contains("synchronous_commit=on, fsync=on");
    }
}
