package io.platyspark.backend.livy;

import io.platyspark.core.app.AppState;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.cluster.Cluster;
import java.io.IOException;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks YARN's ResourceManager ({@code /ws/v1/cluster/apps/{id}}) how an app ended when Livy no longer lists its
 * batch (purged after {@code livy.server.session.state-retain.sec}, or lost in a Livy restart). Only a final
 * answer counts; anything else (unreachable, unknown, still running) leaves the app to the lost-app rule.
 */
final class YarnApps {

    private static final Logger log = LoggerFactory.getLogger(YarnApps.class);

    private final OkHttpClient http;
    private final int port;
    private final JsonMapper json = new JsonMapper();

    YarnApps(OkHttpClient http, int port) {
        this.http = http;
        this.port = port;
    }

    Optional<BackendAppStatus> lookup(Cluster cluster, SparkApp app) {
        if (port <= 0 || app.backendAppId() == null || cluster.masterDns() == null) {
            return Optional.empty();
        }
        String url = "http://" + cluster.masterDns() + ":" + port + "/ws/v1/cluster/apps/" + app.backendAppId();
        try (Response response =
                http.newCall(new Request.Builder().url(url).get().build()).execute()) {
            if (!response.isSuccessful()) {
                return Optional.empty();
            }
            JsonNode yarnApp = json.readTree(response.body().string()).path("app");
            String state = yarnApp.path("state").asString("");
            String finalStatus = yarnApp.path("finalStatus").asString("");
            String diagnostics = yarnApp.path("diagnostics").asString("");
            AppState mapped = switch (state) {
                case "FINISHED" ->
                    "SUCCEEDED".equals(finalStatus)
                            ? AppState.SUCCEEDED
                            : "KILLED".equals(finalStatus) ? AppState.KILLED : AppState.FAILED;
                case "FAILED" -> AppState.FAILED;
                case "KILLED" -> AppState.KILLED;
                default -> null;
            };
            if (mapped == null) {
                return Optional.empty();
            }
            String reason = "Livy no longer lists the batch; YARN recorded " + state + "/" + finalStatus
                    + (diagnostics.isBlank() ? "" : ": " + diagnostics.strip());
            return Optional.of(new BackendAppStatus(mapped, reason, app.backendAppId(), null));
        } catch (IOException | RuntimeException e) {
            log.debug("YARN lookup of {} failed: {}", app.backendAppId(), e.toString());
            return Optional.empty();
        }
    }
}
