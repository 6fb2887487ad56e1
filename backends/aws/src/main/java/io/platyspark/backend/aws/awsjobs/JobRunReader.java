package io.platyspark.backend.aws.awsjobs;

import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.backend.StatusReader;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One cycle's {@code ListJobRuns} walks over one virtual cluster (EMR on EKS) or application (EMR Serverless), for
 * all the pages of apps the reconciler asks about. A walk reads every run created after a bound, so a page whose
 * apps are no older than the last walk's bound is answered from it. Pages are keyed by app id, so when each page
 * walked on its own, every walk reached back about as far as the first. A page with older apps walks again from
 * its own bound; one with apps the walk did not see (created since it, or gone) walks again once, as each page
 * did before.
 *
 * @param <R> the service's job run
 */
public final class JobRunReader<R> implements StatusReader {

    private final Function<Instant, List<R>> walk;
    private final Function<R, String> name;
    private final BiFunction<SparkApp, R, BackendAppStatus> status;
    private Map<String, R> runs;
    private Instant bound;

    /**
     * @param walk   lists every run created after the given instant (all of its pages)
     * @param name   a run's name, the app's {@link SparkApp#backendName()}
     * @param status what a run says of its app
     */
    public JobRunReader(
            Function<Instant, List<R>> walk,
            Function<R, String> name,
            BiFunction<SparkApp, R, BackendAppStatus> status) {
        this.walk = walk;
        this.name = name;
        this.status = status;
    }

    @Override
    public Map<UUID, BackendAppStatus> status(Collection<SparkApp> apps) {
        if (apps.isEmpty()) {
            return Map.of();
        }
        Instant after = JobRuns.createdAfter(apps);
        boolean walked = false;
        if (runs == null || after.isBefore(bound)) {
            walk(after);
            walked = true;
        }
        Map<UUID, BackendAppStatus> statuses = answer(apps);
        if (!walked && statuses.size() < apps.size()) {
            walk(bound);
            statuses = answer(apps);
        }
        return statuses;
    }

    private void walk(Instant after) {
        Map<String, R> read = new HashMap<>();
        for (R run : walk.apply(after)) {
            read.put(name.apply(run), run);
        }
        runs = read;
        bound = after;
    }

    private Map<UUID, BackendAppStatus> answer(Collection<SparkApp> apps) {
        Map<UUID, BackendAppStatus> statuses = new HashMap<>();
        for (SparkApp app : apps) {
            R run = runs.get(app.backendName());
            if (run != null) {
                statuses.put(app.id(), status.apply(app, run));
            }
        }
        return statuses;
    }
}
