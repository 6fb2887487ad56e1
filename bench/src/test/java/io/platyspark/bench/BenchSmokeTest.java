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

        assertThat(table).contains("| store: list page of 100 | p99 with 2,000 apps |")
                .contains("| store: cleaner | purge 1,800 finished apps |")
                .contains("| footprint | resident memory after load |")
                .contains("| footprint | start to readiness, class-data sharing (s) |")
                .contains("| recovery after kill -9 of spark-server | kill -9 → every in-flight app settled |")
                .contains("| submit → batch at Livy, 64 clients | p99 latency |")
                .contains("| tracking 200 apps on 20 clusters | Livy calls per cycle | 20 calls | 200 calls |")
                .contains("| EMR budget, 60 + 60 foreign clusters | EMR API calls per cycle | 3 calls | 60 calls |")
                .contains("| masking, one 1 MB value | time to mask (median of 21) |")
                .containsPattern("\\| event log of \\d+ MB, -Xmx256m \\| time to summarise \\|")
                .doesNotContain("| n/a ms |");
        assertThat(table).containsPattern("Machine: \\d+ cores");
    }
}
