package io.platyspark.core.testing;

import io.platyspark.core.app.JdbcSparkAppStore;
import io.platyspark.core.app.NewSparkApp;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.JdbcClusterStore;
import io.platyspark.core.cluster.NewCluster;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The real stores on a fresh database, with helpers to put apps and clusters in place. */
public final class StoreFixture {

    public final DataSource dataSource = TestDatabase.newMigratedDataSource();
    public final JdbcClient jdbc = JdbcClient.create(dataSource);
    public final TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    public final JdbcSparkAppStore apps;
    public final JdbcClusterStore clusters;

    public StoreFixture(Clock clock) {
        apps = new JdbcSparkAppStore(jdbc, tx, new JsonMapper(), clock);
        clusters = new JdbcClusterStore(jdbc, clock);
    }

    public Cluster cluster(String name, ClusterState state) {
        return clusters.getOrCreate(new NewCluster(name, ClusterKind.DEDICATED, "data", null, null, state))
                .cluster();
    }

    /** A managed cluster (it has a config), as the platform records one it creates. */
    public Cluster managedCluster(String name, ClusterKind kind, String team, ClusterState state) {
        return clusters.getOrCreate(new NewCluster(name, kind, team, "{\"name\":\"" + name + "\"}", null, state))
                .cluster();
    }

    /** A new PENDING app on the active cluster of that name (or on no recorded cluster). */
    public SparkApp app(String name, String cluster) {
        java.util.UUID clusterId = clusters.findActive(cluster).map(Cluster::id).orElse(null);
        return apps.create(
                        new NewSparkApp(
                                        name,
                                        "data",
                                        cluster,
                                        "/apps/" + name + ".py",
                                        null,
                                        List.of(),
                                        Map.of(),
                                        null,
                                        "req-" + name)
                                .onCluster(clusterId),
                        "hash-" + name)
                .app();
    }
}
