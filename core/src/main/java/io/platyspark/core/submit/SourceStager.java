package io.platyspark.core.submit;

import io.platyspark.core.app.SparkApp;
import io.platyspark.core.artifact.ArtifactStore;
import io.platyspark.core.artifact.StoredArtifact;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ships local sources to where a remote cluster can read them (the write-up's {@code LocalLocation}): a local
 * source or py-file of an app bound for a cluster other than the local one is uploaded, content-addressed, to the
 * artifact store (S3), and the run uses its URI. Remote sources ({@code s3://}, the write-up's {@code S3Location})
 * are used as they are. With a local-directory store nothing is shipped: there is nowhere remote to ship to.
 */
public class SourceStager {

    private final ArtifactStore store;
    private final boolean remote;

    public SourceStager(ArtifactStore store) {
        this.store = store;
        this.remote = store.reachableByClusters();
    }

    private SourceStager() {
        this.store = null;
        this.remote = false;
    }

    /** Ships nothing: for a worker whose backends read every source where it is (tests, local-only servers). */
    public static SourceStager none() {
        return new SourceStager();
    }

    /** The app as its run needs it: local paths replaced by uploaded URIs where the cluster is remote. */
    public SparkApp stage(SparkApp app, Cluster cluster) {
        if (!remote || cluster.kind() == ClusterKind.LOCAL) {
            return app;
        }
        String source = ship(app, app.source(), "source");
        List<String> pyFiles = new ArrayList<>();
        for (int i = 0; i < app.pyFiles().size(); i++) {
            pyFiles.add(ship(app, app.pyFiles().get(i), "pyFiles[" + i + "]"));
        }
        return app.withSources(source, pyFiles);
    }

    private String ship(SparkApp app, String location, String what) {
        Path path;
        if (location.startsWith("/")) {
            path = Path.of(location);
        } else if (location.startsWith("file:")) {
            path = Path.of(URI.create(location));
        } else {
            return location;
        }
        if (!Files.isRegularFile(path)) {
            throw new BackendRejectedException("the app's " + what + " " + path + " does not exist on the server, "
                    + "so it cannot be uploaded for the cluster; upload it with POST /api/v1/artifacts or give an "
                    + "s3:// URI");
        }
        StoredArtifact stored = store.putContentAddressed(
                "uploads/" + app.team(), path, path.getFileName().toString());
        return stored.uri().toString();
    }
}
