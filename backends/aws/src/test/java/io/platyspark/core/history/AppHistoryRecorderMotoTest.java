package io.platyspark.core.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.aws.emr.ClusterConfig;
import io.platyspark.aws.emr.ClusterConfigJson;
import io.platyspark.aws.emr.EmrClusters;
import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.aws.emr.SharedClusterConfig;
import io.platyspark.aws.moto.MotoServer;
import io.platyspark.aws.s3.S3Logs;
import io.platyspark.backend.aws.emr.EmrClusterBackend;
import io.platyspark.backend.aws.emr.EmrEventLogs;
import io.platyspark.backend.aws.emr.EmrLogArchive;
import io.platyspark.backend.local.RealEventLogs;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.SparkEventLogConf;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.NewCluster;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.emr.model.Configuration;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The recorder against moto's S3: an EMR app's event log (a real pyspark run's, in Spark's rolling layout under the
 * cluster's prefix, as its YARN attempt 1) gives the app its metrics, History Server link and log-archive link;
 * an app whose log never appears is visited a bounded number of times.
 */
class AppHistoryRecorderMotoTest {

    private static final String BUCKET = "platy-artifacts";
    private static final String YARN_APP = "application_1733450000000_0042";

    private final MotoServer moto = MotoServer.get();
    private final S3Client s3 = moto.clients().s3();
    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);
    private final EmrEventLogs eventLogs =
            new EmrEventLogs(new S3Logs(s3), EmrEventLogs.root(BUCKET, "platyspark"), SparkEventLogConf.DEFAULT);
    private final HistoryProperties properties = new HistoryProperties(
            "zstd",
            true,
            DataSize.ofMegabytes(128),
            "http://history.example:18080",
            false,
            0,
            true,
            Duration.ofSeconds(30),
            20,
            Duration.ofHours(6),
            3,
            Duration.ofMinutes(2));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AppHistoryRecorder recorder = new AppHistoryRecorder(
            store.jdbc,
            store.apps,
            store.clusters,
            List.of(eventLogs),
            new EmrLogArchive(new S3Logs(s3), "s3://emr-logs/logs/"),
            properties,
            clock,
            meters);

    @BeforeEach
    void emptyMoto() {
        moto.reset();
        s3.createBucket(r -> r.bucket(BUCKET));
    }

    private Cluster emrCluster(String name, String externalId) {
        Cluster cluster = store.managedCluster(name, ClusterKind.DEDICATED, "data", ClusterState.STARTING);
        return store.clusters
                .transition(
                        cluster.id(),
                        ClusterState.STARTING,
                        ClusterState.WAITING,
                        null,
                        externalId,
                        "master",
                        "http://master:8998")
                .orElseThrow();
    }

    private SparkApp endedApp(String name, String cluster, String yarnApp) {
        SparkApp app = store.app(name, cluster);
        app = store.apps
                .transition(
                        app.id(),
                        AppState.PENDING,
                        AppTransition.to(AppState.SUBMITTED, null)
                                .withBackend("livy", "3")
                                .withBackendAppId(yarnApp))
                .current();
        return store.apps
                .transition(app.id(), AppState.SUBMITTED, AppTransition.to(AppState.SUCCEEDED, null))
                .current();
    }

    /** The real run's rolling log, uploaded as Spark on YARN names attempt 1 of {@code yarnApp}. */
    private void uploadEventLog(Cluster cluster, String yarnApp) throws Exception {
        Path real = RealEventLogs.dir().resolve("zstd");
        String local = RealEventLogs.appId(real);
        String prefix = "platyspark/event-logs/" + cluster.id() + "/eventlog_v2_" + yarnApp + "_1/";
        try (Stream<Path> files = Files.list(real.resolve("eventlog_v2_" + local))) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString().replace(local, yarnApp + "_1");
                s3.putObject(r -> r.bucket(BUCKET).key(prefix + name), RequestBody.fromFile(f));
            }
        }
    }

    @Test
    void anEndedEmrAppGetsItsSummaryHistoryLinkAndLogArchiveFromS3() throws Exception {
        Cluster cluster = emrCluster("etl", "j-1RECORDER");
        SparkApp app = endedApp("nightly", "etl", YARN_APP);
        uploadEventLog(cluster, YARN_APP);

        assertThat(recorder.runOnce()).isEqualTo(1);

        SparkApp recorded = store.apps.find(app.id()).orElseThrow();
        assertThat(recorded.state()).isEqualTo(AppState.SUCCEEDED);
        assertThat(recorded.metrics()).containsEntry("outputRecords", (long) RealEventLogs.RECORDS);
        assertThat(recorded.metrics().get("tasks")).isPositive();
        assertThat(recorded.links().sparkUiUrl())
                .isEqualTo("http://history.example:18080/history/" + YARN_APP + "/1/jobs/");
        assertThat(recorded.links().logUri()).isEqualTo("s3://emr-logs/logs/j-1RECORDER/containers/" + YARN_APP + "/");
        clock.advance(Duration.ofHours(1));
        assertThat(recorder.runOnce()).as("done with it").isZero();
        assertThat(meters.counter("platy.history.visits", "outcome", "done").count())
                .isEqualTo(1);
    }

    @Test
    void anAppWhoseLogNeverAppearsIsVisitedAtMostMaxAttemptsTimes() {
        emrCluster("adhoc", "j-2RECORDER");
        SparkApp app = endedApp("lost-log", "adhoc", "application_1733450000000_0043");

        for (int i = 0; i < 6; i++) {
            recorder.runOnce();
            clock.advance(Duration.ofMinutes(3));
        }

        assertThat(meters.counter("platy.history.visits", "outcome", "later").count())
                .isEqualTo(3);
        SparkApp after = store.apps.find(app.id()).orElseThrow();
        assertThat(after.metrics()).isNull();
        assertThat(after.links().logUri())
                .as("where the copy goes is known without the event log")
                .endsWith("/containers/application_1733450000000_0043/");
    }

    @Test
    void clustersThePlatformCreatesWriteEventLogsToTheirPrefix() {
        PlatformDefaults defaults = PlatformDefaults.emr7(List.of("subnet-1"), "s3://emr-logs/logs/");
        EmrClusterBackend backend =
                new EmrClusterBackend(new EmrClusters(moto.clients().emr()), defaults).withEventLogs(eventLogs);
        ClusterConfig config = new SharedClusterConfig("shared-history");
        Cluster cluster = store.clusters
                .getOrCreate(new NewCluster(
                        "shared-history",
                        ClusterKind.SHARED,
                        "data",
                        ClusterConfigJson.write(config),
                        null,
                        ClusterState.STARTING))
                .cluster();

        String id = backend.create(cluster).externalId();

        List<Configuration> configurations = moto.clients()
                .emr()
                .describeCluster(r -> r.clusterId(id))
                .cluster()
                .configurations();
        assertThat(configurations)
                .filteredOn(c -> c.classification().equals("spark-defaults"))
                .singleElement()
                .satisfies(c -> assertThat(c.properties())
                        .containsEntry("spark.eventLog.enabled", "true")
                        .containsEntry(
                                "spark.eventLog.dir", "s3://" + BUCKET + "/platyspark/event-logs/" + cluster.id() + "/")
                        .containsEntry("spark.eventLog.compression.codec", "zstd")
                        .containsEntry("spark.eventLog.rolling.enabled", "true")
                        // the platform's own spark-defaults stay
                        .containsKey("spark.sql.extensions"));
    }
}
