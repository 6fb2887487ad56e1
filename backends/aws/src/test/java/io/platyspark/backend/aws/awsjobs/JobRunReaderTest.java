package io.platyspark.backend.aws.awsjobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.app.AppState;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendAppStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The pages of one cycle share a walk over the cluster's job runs (the reconciler's pages are by app id). */
class JobRunReaderTest {

    record Run(String name) {}

    final Instant now = Instant.parse("2026-12-07T10:00:00Z");
    final List<Instant> walks = new ArrayList<>();
    final Map<String, Run> atAws = new LinkedHashMap<>();

    final JobRunReader<Run> reader = new JobRunReader<>(
            after -> {
                walks.add(after);
                return List.copyOf(atAws.values());
            },
            Run::name,
            (app, run) -> new BackendAppStatus(AppState.RUNNING, null, null, null));

    @Test
    void pagesOfAppsFromTheSameDaysShareOneWalk() {
        List<SparkApp> apps = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            apps.add(running(now.minus(Duration.ofMinutes(i))));
        }
        apps.sort(Comparator.comparing(SparkApp::id));

        int found = 0;
        for (int page = 0; page < 3; page++) {
            List<SparkApp> onPage = apps.subList(page * 1_000, Math.min(apps.size(), (page + 1) * 1_000));
            Map<UUID, BackendAppStatus> statuses = reader.status(onPage);
            assertThat(statuses.keySet())
                    .containsExactlyInAnyOrderElementsOf(
                            onPage.stream().map(SparkApp::id).toList());
            found += statuses.size();
        }

        assertThat(found).isEqualTo(2_500);
        assertThat(walks).hasSize(1);
    }

    @Test
    void aPageWithOlderAppsWalksFromItsOwnBound() {
        SparkApp today = running(now);
        SparkApp lastWeek = running(now.minus(Duration.ofDays(7)));
        SparkApp alsoToday = running(now.minus(Duration.ofHours(1)));

        assertThat(reader.status(List.of(today))).containsOnlyKeys(today.id());
        assertThat(reader.status(List.of(lastWeek))).containsOnlyKeys(lastWeek.id());
        assertThat(reader.status(List.of(alsoToday))).containsOnlyKeys(alsoToday.id());

        assertThat(walks).hasSize(2);
        assertThat(walks.get(1))
                .isEqualTo(JobRuns.createdAfter(List.of(lastWeek)))
                .isBefore(walks.get(0));
    }

    @Test
    void appsTheWalkDidNotSeeAreLookedForOnceMoreThenLeftOut() {
        SparkApp first = running(now);
        assertThat(reader.status(List.of(first))).containsOnlyKeys(first.id());

        // Started after the walk: the next page's walk over again finds it.
        SparkApp later = running(now);
        SparkApp gone = app(now);
        assertThat(reader.status(List.of(later, gone))).containsOnlyKeys(later.id());
        assertThat(walks).hasSize(2);

        // Unknown to AWS: missing from the answer, at the cost of one more walk.
        assertThat(reader.status(List.of(gone))).isEmpty();
        assertThat(walks).hasSize(3);
        assertThat(reader.status(List.of())).isEmpty();
        assertThat(walks).hasSize(3);
    }

    /** An app whose run AWS holds from now on. */
    private SparkApp running(Instant createdAt) {
        SparkApp app = app(createdAt);
        atAws.put(app.backendName(), new Run(app.backendName()));
        return app;
    }

    private static SparkApp app(Instant createdAt) {
        return JobRunFixtures.app("data", "s3://b/job.py", List.of(), Map.of(), List.of(), createdAt);
    }
}
