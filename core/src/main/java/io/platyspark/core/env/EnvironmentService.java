package io.platyspark.core.env;

import io.micrometer.core.instrument.MeterRegistry;
import io.platyspark.core.artifact.ArtifactStore;
import io.platyspark.core.artifact.StoredArtifact;
import io.platyspark.core.backend.PythonTarget;
import io.platyspark.core.backend.TargetPlatform;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Python environments, built once and shared: a request for a spec whose archive is already in the artifact store
 * is served from it without building (a cache hit), a request while the same spec builds gets that build (the
 * database's unique key decides, so also across processes), and builds run on a bounded pool with a time limit.
 */
public class EnvironmentService implements Environments, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EnvironmentService.class);

    private final JdbcEnvBuildStore store;
    private final PythonEnvBuilder builder;
    private final ArtifactStore artifacts;
    private final EnvProperties properties;
    private final MeterRegistry meters;
    private final ExecutorService pool;
    /** The unfinished builds this process has taken on; their rows' heartbeat. */
    private final Set<UUID> owned = ConcurrentHashMap.newKeySet();

    private final ScheduledExecutorService heartbeat;
    private final Duration heartbeatInterval;

    public EnvironmentService(
            JdbcEnvBuildStore store,
            PythonEnvBuilder builder,
            ArtifactStore artifacts,
            EnvProperties properties,
            MeterRegistry meters) {
        this(store, builder, artifacts, properties, meters, Duration.ofSeconds(30));
    }

    /**
     * @param heartbeatInterval how often this process marks its unfinished builds as alive; a build unmarked for
     *                          four of these is taken for abandoned (its process stopped) and fails, so a new
     *                          request can build the same requirements again
     */
    public EnvironmentService(
            JdbcEnvBuildStore store,
            PythonEnvBuilder builder,
            ArtifactStore artifacts,
            EnvProperties properties,
            MeterRegistry meters,
            Duration heartbeatInterval) {
        this.store = store;
        this.heartbeatInterval = heartbeatInterval;
        this.builder = builder;
        this.artifacts = artifacts;
        this.properties = properties;
        this.meters = meters;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(properties.maxConcurrentBuilds(), r -> {
            Thread t = new Thread(r, "platy-env-build-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        meters.counter("platy.envs.builds", "outcome", "ready");
        meters.counter("platy.envs.cache.hits");
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "platy-env-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = heartbeatInterval.toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    private Duration staleAfter() {
        return heartbeatInterval.multipliedBy(4);
    }

    private void beat() {
        try {
            store.touch(Set.copyOf(owned));
            int abandoned = store.abandonStale(null, staleAfter());
            if (abandoned > 0) {
                log.warn(
                        "{} environment builds were abandoned by a process that stopped; failed them so they can "
                                + "be built again",
                        abandoned);
            }
        } catch (RuntimeException e) {
            log.warn("environment build heartbeat failed: {}", e.toString());
        }
    }

    @Override
    public EnvSpec spec(List<String> requirements, String pythonVersion, TargetPlatform platform) {
        return new EnvSpec(
                requirements,
                pythonVersion != null ? pythonVersion : builder.defaultVersion(),
                platform != null ? platform : TargetPlatform.current(),
                properties.indexUrl());
    }

    @Override
    public EnvBuild request(EnvSpec spec, String team) {
        // Any 3.x can be built (wheels for the target's Python when the builder has no such interpreter); a version
        // that is not one is refused before anything is stored.
        try {
            PythonTarget.checkVersion(spec.pythonVersion(), "pythonVersion");
        } catch (IllegalArgumentException e) {
            throw new EnvBuildException(e.getMessage(), "");
        }
        // A READY row means its archive is there (the cleaner deletes none a live row names): served without asking
        // the artifact store, so apps whose environment is built are still submitted while the store is down.
        Optional<EnvBuild> ready = store.findLive(spec.cacheKey()).filter(b -> b.state() == EnvBuild.State.READY);
        if (ready.isPresent()) {
            return ready.get();
        }
        String key = archiveKey(spec);
        // Under the archive's lock: the cleaner cannot delete the archive found here before the row naming it is in.
        Lookup lookup = store.withArchiveLock(spec.cacheKey(), false, () -> {
            Optional<URI> cached = artifacts.find(key);
            if (cached.isPresent()) {
                return new Lookup(
                        store.getOrCreate(
                                spec, team, EnvBuild.State.READY, cached.get().toString()),
                        true);
            }
            // A build left unfinished by a process that stopped must not stand in for this one.
            store.abandonStale(spec.cacheKey(), staleAfter());
            return new Lookup(store.getOrCreate(spec, team, EnvBuild.State.QUEUED, null), false);
        });
        JdbcEnvBuildStore.Created created = lookup.created();
        if (lookup.cached()) {
            if (created.created()) {
                meters.counter("platy.envs.cache.hits").increment();
            }
            return created.build();
        }
        if (created.created()) {
            owned.add(created.build().id());
            pool.execute(() -> {
                try {
                    build(created.build());
                } finally {
                    owned.remove(created.build().id());
                }
            });
        }
        return created.build();
    }

    @Override
    public Optional<EnvBuild> get(UUID id) {
        return store.find(id);
    }

    private void build(EnvBuild queued) {
        if (store.transition(queued.id(), EnvBuild.State.QUEUED, EnvBuild.State.BUILDING, null, null, null, null, null)
                .isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        try {
            Path output = Files.createTempFile("platy-env-", ".tar.gz");
            try {
                PythonEnvBuilder.BuiltEnv built = builder.build(queued.spec(), output);
                StoredArtifact stored = artifacts.put(archiveKey(queued.spec()), built.archive());
                long ms = (System.nanoTime() - start) / 1_000_000;
                store.transition(
                        queued.id(),
                        EnvBuild.State.BUILDING,
                        EnvBuild.State.READY,
                        stored.uri().toString(),
                        built.sizeBytes(),
                        ms,
                        built.log(),
                        null);
                count("ready", ms);
                log.info(
                        "environment {} built in {} ms ({} bytes): {}",
                        queued.cacheKey(),
                        ms,
                        built.sizeBytes(),
                        stored.uri());
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (EnvBuildException e) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            store.transition(
                    queued.id(),
                    EnvBuild.State.BUILDING,
                    EnvBuild.State.FAILED,
                    null,
                    null,
                    ms,
                    e.log(),
                    e.getMessage());
            count("failed", ms);
            log.warn("environment {} failed: {}", queued.cacheKey(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            store.transition(
                    queued.id(),
                    EnvBuild.State.BUILDING,
                    EnvBuild.State.FAILED,
                    null,
                    null,
                    null,
                    null,
                    "the build could not run: " + e.getMessage());
            count("failed", (System.nanoTime() - start) / 1_000_000);
            log.warn("environment {} could not be built", queued.cacheKey(), e);
        }
    }

    private void count(String outcome, long ms) {
        meters.counter("platy.envs.builds", "outcome", outcome).increment();
        meters.timer("platy.envs.build.duration", "outcome", outcome).record(Duration.ofMillis(ms));
    }

    static String archiveKey(EnvSpec spec) {
        return archiveKey(spec.cacheKey());
    }

    /** The artifact-store prefix every environment archive is kept under. */
    public static final String ARCHIVES = "envs/";

    private static final String ARCHIVE_NAME = "/environment.tar.gz";

    /** Where the packed environment of a cache key is kept in the artifact store. */
    public static String archiveKey(String cacheKey) {
        return ARCHIVES + cacheKey + ARCHIVE_NAME;
    }

    /** The cache key an environment archive's key names; empty for any other key. */
    public static Optional<String> cacheKeyOf(String archiveKey) {
        if (!archiveKey.startsWith(ARCHIVES) || !archiveKey.endsWith(ARCHIVE_NAME)) {
            return Optional.empty();
        }
        String key = archiveKey.substring(ARCHIVES.length(), archiveKey.length() - ARCHIVE_NAME.length());
        return key.isEmpty() || key.contains("/") ? Optional.empty() : Optional.of(key);
    }

    @Override
    public void close() throws InterruptedException {
        heartbeat.shutdownNow();
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** A request's row, and whether the archive was in the store already. */
    private record Lookup(JdbcEnvBuildStore.Created created, boolean cached) {}
}
