package io.platyspark.core.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.artifact.ArtifactStore;
import io.platyspark.core.artifact.ArtifactStoreException;
import io.platyspark.core.artifact.LocalArtifactStore;
import io.platyspark.core.artifact.StoredArtifact;
import io.platyspark.core.backend.TargetPlatform;
import io.platyspark.core.env.EnvBuild;
import io.platyspark.core.env.EnvProperties;
import io.platyspark.core.env.EnvSpec;
import io.platyspark.core.env.EnvironmentService;
import io.platyspark.core.env.JdbcEnvBuildStore;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import io.platyspark.core.testing.TestEnvs;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The environment-build purge on a real PostgreSQL with the real migrations, archives in a real store. */
class EnvBuildCleanerTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);
    private final JdbcEnvBuildStore builds = new JdbcEnvBuildStore(store.jdbc, store.tx, new JsonMapper(), clock);

    @TempDir
    Path tmp;

    private LocalArtifactStore artifacts;

    @BeforeEach
    void store() {
        artifacts = new LocalArtifactStore(tmp.resolve("store"));
    }

    private EnvBuildCleaner cleaner(boolean dryRun, int batchSize) {
        return new EnvBuildCleaner(
                store.jdbc,
                builds,
                artifacts,
                new EnvCleanupProperties(true, Duration.ofDays(30)),
                properties(dryRun, batchSize),
                clock,
                new SimpleMeterRegistry());
    }

    private static CleanupProperties properties(boolean dryRun, int batchSize) {
        return TestCleanupProperties.of(batchSize, 100, 0, dryRun);
    }

    /** A build in {@code state}; a READY one has its archive in the store. */
    private EnvBuild build(String requirement, EnvBuild.State state) throws Exception {
        EnvSpec spec = new EnvSpec(List.of(requirement), "3.9", TargetPlatform.AARCH64, null, "/usr");
        String uri = null;
        if (state == EnvBuild.State.READY) {
            Path file = Files.writeString(tmp.resolve(UUID.randomUUID() + ".tar.gz"), "packed " + requirement);
            uri = artifacts
                    .put(EnvironmentService.archiveKey(spec.cacheKey()), file)
                    .uri()
                    .toString();
        }
        return builds.getOrCreate(spec, "data", state, uri).build();
    }

    private boolean archived(EnvBuild build) {
        return artifacts.find(EnvironmentService.archiveKey(build.cacheKey())).isPresent();
    }

    @Test
    void oldBuildsNoAppNamesGoWithTheirArchivesAndEverythingStillUsedStays() throws Exception {
        EnvBuild unused = build("a==1", EnvBuild.State.READY);
        EnvBuild usedByAnApp = build("b==1", EnvBuild.State.READY);
        EnvBuild failed = build("d==1", EnvBuild.State.FAILED);
        EnvBuild unfinished = build("e==1", EnvBuild.State.QUEUED);
        SparkApp app = store.app("daily", "etl");
        store.apps.transition(
                app.id(), app.state(), AppTransition.to(app.state(), null).withEnvBuild(usedByAnApp.id()));
        clock.advance(Duration.ofDays(30).plusSeconds(1));
        EnvBuild recent = build("c==1", EnvBuild.State.READY);

        EnvBuildCleaner.Result dry = cleaner(true, 10).runOnce();
        assertThat(dry.builds()).isEqualTo(2);
        assertThat(builds.find(unused.id())).as("a dry run deletes nothing").isPresent();
        assertThat(archived(unused)).isTrue();

        EnvBuildCleaner.Result result = cleaner(false, 1).runOnce();

        assertThat(result.builds()).isEqualTo(2);
        assertThat(result.archives()).isEqualTo(1);
        assertThat(builds.find(unused.id())).isEmpty();
        assertThat(builds.find(failed.id())).isEmpty();
        assertThat(archived(unused)).as("its archive goes with its last row").isFalse();
        assertThat(builds.find(usedByAnApp.id())).as("an app still names it").isPresent();
        assertThat(archived(usedByAnApp)).isTrue();
        assertThat(builds.find(recent.id())).isPresent();
        assertThat(archived(recent)).isTrue();
        assertThat(builds.find(unfinished.id()))
                .as("unfinished builds are the heartbeat's business")
                .isPresent();
    }

    /** An archive in the store for {@code requirement}'s spec, written at {@code at}, with no build row. */
    private String archiveOnly(String requirement, Instant at) throws Exception {
        EnvSpec spec = new EnvSpec(List.of(requirement), "3.9", TargetPlatform.AARCH64, null, "/usr");
        String key = EnvironmentService.archiveKey(spec.cacheKey());
        artifacts.put(key, Files.writeString(tmp.resolve(UUID.randomUUID() + ".tar.gz"), "packed " + requirement));
        Files.setLastModifiedTime(artifacts.root().resolve(key), FileTime.from(at));
        return key;
    }

    private void writtenAt(EnvBuild build, Instant at) throws Exception {
        Files.setLastModifiedTime(
                artifacts.root().resolve(EnvironmentService.archiveKey(build.cacheKey())), FileTime.from(at));
    }

    @Test
    void archivesNoLiveBuildNamesAreSweptOnceOlderThanTheRetentionABatchARun() throws Exception {
        Instant start = clock.instant();
        String orphan = archiveOnly("a==1", start);
        String secondOrphan = archiveOnly("b==1", start);
        String recentOrphan = archiveOnly("c==1", start.plus(Duration.ofDays(2)));
        EnvBuild used = build("d==1", EnvBuild.State.READY);
        writtenAt(used, start);
        SparkApp app = store.app("daily", "etl");
        store.apps.transition(
                app.id(), app.state(), AppTransition.to(app.state(), null).withEnvBuild(used.id()));
        EnvBuild building = build("e==1", EnvBuild.State.BUILDING);
        String buildingArchive = archiveOnly("e==1", start);
        Files.writeString(artifacts.root().resolve("envs/notes.txt"), "not an archive");
        Files.setLastModifiedTime(artifacts.root().resolve("envs/notes.txt"), FileTime.from(start));
        clock.advance(Duration.ofDays(31));

        EnvBuildCleaner.Result first = cleaner(false, 1).runOnce();
        EnvBuildCleaner.Result second = cleaner(false, 1).runOnce();
        EnvBuildCleaner.Result third = cleaner(false, 1).runOnce();

        assertThat(first.archives()).as("a batch (1) a run").isEqualTo(1);
        assertThat(second.archives()).isEqualTo(1);
        assertThat(third.archives()).isZero();
        assertThat(artifacts.find(orphan)).isEmpty();
        assertThat(artifacts.find(secondOrphan)).isEmpty();
        assertThat(artifacts.find(recentOrphan))
                .as("younger than the retention")
                .isPresent();
        assertThat(archived(used)).as("an app's build names it").isTrue();
        assertThat(artifacts.find(buildingArchive))
                .as("a build of its spec is under way")
                .isPresent();
        assertThat(builds.find(building.id())).isPresent();
        assertThat(Files.exists(artifacts.root().resolve("envs/notes.txt")))
                .as("not an archive key")
                .isTrue();
    }

    @Test
    void aStoreThatCannotBeListedNowSweepsNothingAndTheRowsStillGo() throws Exception {
        EnvBuild unused = build("a==1", EnvBuild.State.READY);
        String orphan = archiveOnly("b==1", clock.instant());
        clock.advance(Duration.ofDays(31));
        LocalArtifactStore local = artifacts;
        EnvBuildCleaner cleaner = new EnvBuildCleaner(
                store.jdbc,
                builds,
                new Forwarding(local) {
                    @Override
                    public List<Listed> list(String prefix) {
                        throw new ArtifactStoreException("the bucket cannot be read now", null);
                    }
                },
                new EnvCleanupProperties(true, Duration.ofDays(30)),
                properties(false, 10),
                clock,
                new SimpleMeterRegistry());

        EnvBuildCleaner.Result result = cleaner.runOnce();

        assertThat(result.builds()).isEqualTo(1);
        assertThat(result.archives()).as("the purged row's own archive").isEqualTo(1);
        assertThat(builds.find(unused.id())).isEmpty();
        assertThat(local.find(orphan)).as("left for a run that can list").isPresent();
    }

    @Test
    void anArchiveALiveBuildOfTheSameSpecUsesIsKept() throws Exception {
        EnvBuild abandoned = build("a==1", EnvBuild.State.BUILDING);
        store.jdbc
                .sql("update env_builds set state = 'FAILED' where id = :id")
                .param("id", abandoned.id())
                .update();
        clock.advance(Duration.ofDays(31));
        EnvBuild rebuilt = build("a==1", EnvBuild.State.READY);

        EnvBuildCleaner.Result result = cleaner(false, 10).runOnce();

        assertThat(result.builds()).isEqualTo(1);
        assertThat(builds.find(abandoned.id())).isEmpty();
        assertThat(result.archives()).isZero();
        assertThat(archived(rebuilt)).isTrue();
    }

    /**
     * The cleaner holds an archive's lock from its check to its delete: a request for the same spec that comes while
     * the delete is under way waits for it, then finds no archive and builds anew, instead of recording a READY build
     * that names an archive deleted under it.
     */
    @Test
    void aRequestWhileTheCleanerDeletesTheArchiveWaitsThenBuildsAnew() throws Exception {
        EnvBuild unused = build("a==1", EnvBuild.State.READY);
        clock.advance(Duration.ofDays(31));
        CountDownLatch deleting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ArtifactStore slowDelete = new Forwarding(artifacts) {
            @Override
            public boolean delete(String key) {
                deleting.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return super.delete(key);
            }
        };
        EnvBuildCleaner cleaner = new EnvBuildCleaner(
                store.jdbc,
                builds,
                slowDelete,
                new EnvCleanupProperties(true, Duration.ofDays(30)),
                properties(false, 10),
                clock,
                new SimpleMeterRegistry());
        EnvProperties envs = TestEnvs.properties(tmp.resolve("work"));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (EnvironmentService service = new EnvironmentService(
                builds, TestEnvs.notBuilding(envs), slowDelete, envs, new SimpleMeterRegistry())) {
            Future<EnvBuildCleaner.Result> run = threads.submit(cleaner::runOnce);
            assertThat(deleting.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(archived(unused)).as("the delete has not happened yet").isTrue();

            Future<EnvBuild> request = threads.submit(() ->
                    service.request(new EnvSpec(List.of("a==1"), "3.9", TargetPlatform.AARCH64, null, "/usr"), "data"));
            // The request waits for the archive's lock (an ungranted advisory lock), not done with a READY row.
            await().atMost(Duration.ofSeconds(10)).until(() -> request.isDone() || waitingForAdvisoryLock());
            assertThat(request)
                    .as("it found the archive and named it while it was being deleted")
                    .isNotDone();

            release.countDown();
            assertThat(run.get(10, TimeUnit.SECONDS).archives()).isEqualTo(1);
            EnvBuild requested = request.get(10, TimeUnit.SECONDS);

            assertThat(archived(unused)).isFalse();
            assertThat(requested.state()).isNotEqualTo(EnvBuild.State.READY);
            assertThat(requested.id()).isNotEqualTo(unused.id());
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    private boolean waitingForAdvisoryLock() {
        return store.jdbc
                .sql("select exists (select 1 from pg_locks where locktype = 'advisory' and not granted)")
                .query(Boolean.class)
                .single();
    }

    /** The local store, each call passed on; a test overrides what it changes. */
    private static class Forwarding implements ArtifactStore {
        private final LocalArtifactStore local;

        Forwarding(LocalArtifactStore local) {
            this.local = local;
        }

        @Override
        public Optional<URI> find(String key) {
            return local.find(key);
        }

        @Override
        public StoredArtifact put(String key, Path file) {
            return local.put(key, file);
        }

        @Override
        public StoredArtifact putContentAddressed(String prefix, Path file, String fileName) {
            return local.putContentAddressed(prefix, file, fileName);
        }

        @Override
        public boolean reachableByClusters() {
            return false;
        }

        @Override
        public boolean delete(String key) {
            return local.delete(key);
        }

        @Override
        public List<Listed> list(String prefix) {
            return local.list(prefix);
        }

        @Override
        public InputStream open(URI uri) {
            return local.open(uri);
        }
    }
}
