package io.platyspark.core.cleanup;

import io.micrometer.core.instrument.MeterRegistry;
import io.platyspark.core.SqlStates;
import io.platyspark.core.artifact.ArtifactStore;
import io.platyspark.core.env.EnvBuild;
import io.platyspark.core.env.EnvironmentService;
import io.platyspark.core.env.JdbcEnvBuildStore;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Purges Python environment builds that nothing uses any more, then the archives they leave unreferenced. A build
 * is purged when it is finished (READY or FAILED), unchanged for longer than the retention, and no app row names
 * it: apps are the record of use (every app that runs with a cached build names it), so a build lives as long as
 * the apps that ran with it, plus the retention. An archive is deleted only when no live build row of its cache
 * key is left; rows go first, so a crash in between leaves an archive without a row (harmless: the next request
 * for that spec finds it and serves it from the cache) rather than a row without its archive. Such archives, and
 * any other no live row names (a build whose READY was never recorded), are swept once they are older than the
 * retention: a bounded number a run, from the store's listing. Each archive's last check and its delete hold the
 * archive's lock ({@link JdbcEnvBuildStore#withArchiveLock}), which a request takes to find an archive and record
 * the row that names it, so an archive a request has just found is not deleted under it.
 */
public class EnvBuildCleaner {

    private static final String FINISHED_BUILDS = SqlStates.list(EnvBuild.State.finishedStates());

    private static final Logger log = LoggerFactory.getLogger(EnvBuildCleaner.class);

    private static final String PURGEABLE = """
            b.state in %s and b.updated_at < :cutoff
              and not exists (select 1 from apps a where a.env_build_id = b.id)""".formatted(FINISHED_BUILDS);

    private final JdbcClient jdbc;
    private final JdbcEnvBuildStore builds;
    private final ArtifactStore artifacts;
    private final EnvCleanupProperties properties;
    private final CleanupProperties cleanup;
    private final Clock clock;
    private final MeterRegistry meters;

    public EnvBuildCleaner(
            JdbcClient jdbc,
            JdbcEnvBuildStore builds,
            ArtifactStore artifacts,
            EnvCleanupProperties properties,
            CleanupProperties cleanup,
            Clock clock,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.builds = builds;
        this.artifacts = artifacts;
        this.properties = properties;
        this.cleanup = cleanup;
        this.clock = clock;
        this.meters = meters;
    }

    /** One run: rows in bounded batches, then the archives no live row refers to. */
    public Result runOnce() {
        if (!properties.enabled()) {
            return new Result(0, 0, cleanup.dryRun());
        }
        Timestamp cutoff = Timestamp.from(clock.instant().minus(properties.retention()));
        if (cleanup.dryRun()) {
            long rows = jdbc.sql("select count(*) from env_builds b where " + PURGEABLE)
                    .param("cutoff", cutoff)
                    .query(Long.class)
                    .single();
            return new Result(rows, 0, true);
        }
        long rows = 0;
        Set<String> readyKeys = new LinkedHashSet<>();
        for (int batch = 0; batch < cleanup.maxBatchesPerRun(); batch++) {
            // skip locked: a row a build is finishing right now is left for the next run.
            List<Purged> purged = jdbc.sql("delete from env_builds where id = any(array(select b.id from env_builds b"
                            + " where " + PURGEABLE + " order by b.updated_at limit :batch for update skip locked))"
                            + " returning cache_key, state")
                    .param("cutoff", cutoff)
                    .param("batch", cleanup.batchSize())
                    .query((rs, n) -> new Purged(rs.getString("cache_key"), rs.getString("state")))
                    .list();
            rows += purged.size();
            purged.stream().filter(p -> p.state().equals("READY")).forEach(p -> readyKeys.add(p.cacheKey()));
            if (purged.size() < cleanup.batchSize()) {
                break;
            }
        }
        long archives = 0;
        for (String key : readyKeys) {
            if (deleteUnlessLive(key, EnvironmentService.archiveKey(key))) {
                archives++;
            }
        }
        archives += sweepOrphans(cutoff.toInstant());
        meters.counter("platy.cleanup.purged", "table", "env_builds").increment(rows);
        meters.counter("platy.cleanup.purged", "table", "env_archives").increment(archives);
        if (rows + archives > 0) {
            log.info("deleted {} environment builds and {} archives no app uses any more", rows, archives);
        }
        return new Result(rows, archives, false);
    }

    /** Deletes up to a batch of archives older than {@code cutoff} that no live build row names. */
    private long sweepOrphans(Instant cutoff) {
        List<ArtifactStore.Listed> listed;
        try {
            listed = artifacts.list(EnvironmentService.ARCHIVES);
        } catch (UnsupportedOperationException e) {
            return 0; // a store that cannot list keeps what the row purge left
        } catch (RuntimeException e) {
            // An outage of the store is no reason to fail the run whose rows are gone already: the next run lists.
            log.warn("could not list environment archives, none swept this run: {}", e.getMessage());
            return 0;
        }
        // The old archives by cache key; those of live builds (most of them, run after run) are left out with one
        // statement per thousand, and each left is checked once more just before its delete.
        Map<String, String> old = new LinkedHashMap<>();
        for (ArtifactStore.Listed archive : listed) {
            if (archive.lastModified().isBefore(cutoff)) {
                EnvironmentService.cacheKeyOf(archive.key()).ifPresent(key -> old.put(key, archive.key()));
            }
        }
        old.keySet().removeAll(liveKeys(List.copyOf(old.keySet())));
        long deleted = 0;
        for (Map.Entry<String, String> orphan : old.entrySet()) {
            if (deleted >= cleanup.batchSize()) {
                break;
            }
            if (deleteUnlessLive(orphan.getKey(), orphan.getValue())) {
                log.info("deleted environment archive {}: no build names it", orphan.getValue());
                deleted++;
            }
        }
        return deleted;
    }

    /** The cache keys among {@code cacheKeys} a build row may still use the archive of. */
    private Set<String> liveKeys(List<String> cacheKeys) {
        Set<String> live = new HashSet<>();
        for (int from = 0; from < cacheKeys.size(); from += 1000) {
            live.addAll(jdbc.sql("select cache_key from env_builds where cache_key in (:keys) and state <> 'FAILED'")
                    .param("keys", cacheKeys.subList(from, Math.min(cacheKeys.size(), from + 1000)))
                    .query(String.class)
                    .list());
        }
        return live;
    }

    /**
     * Deletes the archive unless a build row may use it, holding the archive's lock from the check to the delete, so
     * that a request cannot find the archive and record a READY row naming it in between.
     */
    private boolean deleteUnlessLive(String cacheKey, String archiveKey) {
        return builds.withArchiveLock(
                cacheKey, true, () -> builds.findLive(cacheKey).isEmpty() && artifacts.delete(archiveKey));
    }

    private record Purged(String cacheKey, String state) {}

    /** What a run deleted (or with {@code dryRun}, the builds it would delete; archives are not counted then). */
    public record Result(long builds, long archives, boolean dryRun) {}
}
