package io.platyspark.backend.aws.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.aws.moto.MotoServer;
import io.platyspark.aws.s3.S3Logs;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.LogsGoneException;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.LogLine;
import io.platyspark.core.backend.LogPage;
import io.platyspark.core.backend.LogStream;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.security.Caller;
import io.platyspark.core.security.SourcePolicy;
import io.platyspark.core.service.AppService;
import io.platyspark.core.testing.FakeSparkBackend;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * EMR's container logs in moto's S3, laid out as EMR writes them under the log URI: after the cluster is
 * terminated, the logs endpoint's service pages the driver's whole log from there, each line with its stream.
 */
class EmrLogArchiveMotoTest {

    private static final String BUCKET = "emr-logs";
    private static final String YARN_APP = "application_1733450000000_0007";
    private static final Caller TEAM = new Caller("alice", "data", false);

    private final MotoServer moto = MotoServer.get();
    private final S3Client s3 = moto.clients().s3();
    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);
    private final FakeSparkBackend livy = new FakeSparkBackend();
    private final EmrLogArchive archive = new EmrLogArchive(new S3Logs(s3), "s3://" + BUCKET + "/logs");
    private final AppService service = new AppService(
            store.apps,
            store.clusters,
            null,
            new SparkBackends(List.of(livy)),
            new SourcePolicy(List.of(), Set.of(), List.of()),
            null,
            () -> {},
            archive);

    @BeforeEach
    void emptyMoto() {
        moto.reset();
        s3.createBucket(r -> r.bucket(BUCKET));
    }

    /** A dedicated EMR cluster the platform made, with an app that ran on it and ended. */
    private SparkApp endedAppOn(String clusterName, String externalId) {
        Cluster cluster = store.managedCluster(clusterName, ClusterKind.DEDICATED, "data", ClusterState.STARTING);
        store.clusters.transition(
                cluster.id(),
                ClusterState.STARTING,
                ClusterState.WAITING,
                null,
                externalId,
                "master",
                "http://master:8998");
        SparkApp app = store.app("etl", clusterName);
        app = store.apps
                .transition(
                        app.id(),
                        AppState.PENDING,
                        AppTransition.to(AppState.SUBMITTED, null)
                                .withBackend(livy.name(), "7")
                                .withBackendAppId(YARN_APP))
                .current();
        app = store.apps
                .transition(app.id(), AppState.SUBMITTED, AppTransition.to(AppState.SUCCEEDED, null))
                .current();
        store.clusters.transition(
                cluster.id(), ClusterState.WAITING, ClusterState.TERMINATED, "user request", null, null, null);
        return app;
    }

    private void put(String key, List<String> lines) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes.toByteArray()));
    }

    @Test
    void aTerminatedClustersDriverLogIsPagedCompletelyFromTheCopyWithStreamTags() throws IOException {
        SparkApp app = endedAppOn("etl-cluster", "j-2AXXXXXXGAPLF");
        String containers = "logs/j-2AXXXXXXGAPLF/containers/" + YARN_APP + "/";
        List<String> stdout = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            stdout.add("row " + i);
        }
        // first attempt's driver, an executor of the second attempt, the second attempt's driver: the last driver
        // counts
        put(containers + "container_1733450000000_0007_01_000001/stdout.gz", List.of("attempt 1 died"));
        put(containers + "container_1733450000000_0007_02_000002/stdout.gz", List.of("executor line"));
        put(containers + "container_1733450000000_0007_02_000001/stdout.gz", stdout);
        put(
                containers + "container_1733450000000_0007_02_000001/stderr.gz",
                List.of("INFO SparkContext: Running Spark version 3.5.3", "ERROR boom"));
        put(
                "logs/j-2AXXXXXXGAPLF/node/i-0abc/applications/hadoop-yarn/yarn-yarn-nodemanager.log.gz",
                List.of("node log"));

        List<LogLine> all = new ArrayList<>();
        int from = 0;
        while (true) {
            LogPage page = service.logs(TEAM, app.id(), from, 1000);
            assertThat(page.source()).isEqualTo(LogPage.ARCHIVE);
            assertThat(page.from()).isEqualTo(from);
            assertThat(page.total()).isEqualTo(5_002);
            all.addAll(page.lines());
            from += page.lines().size();
            if (page.lines().isEmpty() || from >= page.total()) {
                break;
            }
        }

        assertThat(all).hasSize(5_002);
        for (int i = 0; i < 5_000; i++) {
            assertThat(all.get(i)).isEqualTo(new LogLine(LogStream.STDOUT, "row " + i));
        }
        assertThat(all.subList(5_000, 5_002))
                .containsExactly(
                        new LogLine(LogStream.STDERR, "INFO SparkContext: Running Spark version 3.5.3"),
                        new LogLine(LogStream.STDERR, "ERROR boom"));
        LogPage last = service.logs(TEAM, app.id(), -3, 3);
        assertThat(last.from()).isEqualTo(4_999);
        assertThat(last.lines())
                .extracting(LogLine::text)
                .containsExactly("row 4999", "INFO SparkContext: Running Spark version 3.5.3", "ERROR boom");
        assertThat(archive.location(store.clusters.find(app.clusterId()).orElseThrow(), app))
                .contains("s3://" + BUCKET + "/" + containers);
    }

    @Test
    void withoutACopyAnEndedClustersLogsAreGoneAndTheAnswerSaysWhereNoneWasFound() {
        SparkApp app = endedAppOn("other-cluster", "j-3BYYYYYY");

        assertThatThrownBy(() -> service.logs(TEAM, app.id(), 0, 100))
                .isInstanceOf(LogsGoneException.class)
                .hasMessageContaining("TERMINATED: user request")
                .hasMessageContaining("no copy exists at s3://" + BUCKET + "/logs/j-3BYYYYYY/containers/" + YARN_APP);
    }

    @Test
    void anS3OutageIsAnOutageNotGone() {
        SparkApp app = endedAppOn("third-cluster", "j-4CZZZZ");
        S3Client down = new io.platyspark.aws.AwsClients(
                        "us-east-1", java.net.URI.create("http://127.0.0.1:1"), java.time.Duration.ofSeconds(5))
                .s3();
        EmrLogArchive broken = new EmrLogArchive(new S3Logs(down), "s3://" + BUCKET + "/logs");
        AppService withBroken = new AppService(
                store.apps,
                store.clusters,
                null,
                new SparkBackends(List.of(livy)),
                new SourcePolicy(List.of(), Set.of(), List.of()),
                null,
                () -> {},
                broken);

        assertThatThrownBy(() -> withBroken.logs(TEAM, app.id(), 0, 100))
                .isInstanceOf(io.platyspark.core.backend.BackendUnavailableException.class);
    }
}
