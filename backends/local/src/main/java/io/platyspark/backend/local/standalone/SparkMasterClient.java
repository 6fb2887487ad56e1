package io.platyspark.backend.local.standalone;

import io.platyspark.core.backend.BackendFailedException;
import io.platyspark.core.backend.BackendUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a Spark standalone master's JSON status ({@code GET <web UI>/json}): its workers and its applications,
 * in one call. An unreachable master is an outage, never "no applications".
 */
public class SparkMasterClient {

    private static final JsonMapper JSON = new JsonMapper();

    private final OkHttpClient http;

    public SparkMasterClient(OkHttpClient http) {
        this.http = http;
    }

    /** What the master reports. */
    public record MasterState(String status, int aliveWorkers, List<MasterApp> apps) {

        public boolean alive() {
            return "ALIVE".equals(status);
        }
    }

    /** One application the master knows (active or completed), as it lists it. */
    public record MasterApp(String id, String name, String state, boolean completed) {}

    public MasterState status(URI webUi) {
        Request request = new Request.Builder()
                .url(webUi.resolve("/json").toString())
                .get()
                .build();
        try (Response response = http.newCall(request).execute()) {
            String body = response.body().string();
            if (!response.isSuccessful()) {
                throw new BackendFailedException(
                        StandaloneSparkBackend.NAME,
                        "the Spark master at " + webUi + " answered HTTP " + response.code() + ": " + snippet(body),
                        null);
            }
            return parse(body);
        } catch (IOException e) {
            throw new BackendUnavailableException(
                    StandaloneSparkBackend.NAME,
                    "cannot reach the Spark master at " + webUi + ": " + e.getMessage(),
                    e);
        } catch (JacksonException e) {
            throw new BackendFailedException(
                    StandaloneSparkBackend.NAME,
                    "the Spark master at " + webUi + " sent a status that is not JSON: " + e.getOriginalMessage(),
                    e);
        }
    }

    static MasterState parse(String body) {
        JsonNode root = JSON.readTree(body);
        List<MasterApp> apps = new ArrayList<>();
        for (JsonNode app : root.path("activeapps")) {
            apps.add(app(app, false));
        }
        for (JsonNode app : root.path("completedapps")) {
            apps.add(app(app, true));
        }
        int alive = root.has("aliveworkers") ? root.path("aliveworkers").asInt(0) : countAlive(root.path("workers"));
        return new MasterState(root.path("status").asString(""), alive, apps);
    }

    private static MasterApp app(JsonNode app, boolean completed) {
        return new MasterApp(
                app.path("id").asString(""),
                app.path("name").asString(""),
                app.path("state").asString(""),
                completed);
    }

    private static int countAlive(JsonNode workers) {
        int alive = 0;
        for (JsonNode worker : workers) {
            alive += "ALIVE".equals(worker.path("state").asString("")) ? 1 : 0;
        }
        return alive;
    }

    private static String snippet(String body) {
        return body.length() <= 200 ? body : body.substring(0, 200) + "...";
    }
}
