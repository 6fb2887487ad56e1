package io.platyspark.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.client.cli.PlatyCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The CLI's front door without a server: help on every command, a description on every option, durations as
 * people write them, and local mistakes reported in one line with exit 2 before a single request is sent.
 */
class CliUsageTest {

    private final MockWebServer server = new MockWebServer();

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server.start(0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Result(int exit, String out, String err) {}

    private Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--server", server.url("/").toString(), "--token", "platy_t"));
        all.addAll(List.of(args));
        int exit = PlatyCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    static Stream<String> everyCommand() {
        List<String> paths = new ArrayList<>();
        collect(new CommandLine(new PlatyCli()), "", paths);
        return paths.stream();
    }

    private static void collect(CommandLine command, String prefix, List<String> paths) {
        command.getSubcommands().forEach((name, sub) -> {
            String path = (prefix + " " + name).strip();
            paths.add(path);
            collect(sub, path, paths);
        });
    }

    @Test
    void everyCommandIsListed() {
        // The 15 commands a user has; a new one joins the help test below by itself.
        assertThat(everyCommand()).hasSize(15).contains("run", "apps logs", "clusters create", "tokens revoke");
    }

    @ParameterizedTest
    @MethodSource("everyCommand")
    void helpWorksOnEveryCommand(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        Result result = cli(args.toArray(String[]::new));

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("Usage: platy " + command);
        assertThat(server.getRequestCount()).isZero();
    }

    @ParameterizedTest
    @MethodSource("everyCommand")
    void everyOptionAndParameterIsDescribed(String command) {
        CommandLine line = new CommandLine(new PlatyCli());
        for (String name : command.split(" ")) {
            line = line.getSubcommands().get(name);
        }
        line.getCommandSpec()
                .options()
                .forEach(option -> assertThat(option.description())
                        .as("%s %s", command, option.longestName())
                        .isNotEmpty());
        line.getCommandSpec()
                .positionalParameters()
                .forEach(parameter -> assertThat(parameter.description())
                        .as("%s %s", command, parameter.paramLabel())
                        .isNotEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "2s", "PT2S", "pt2s", "2000ms"})
    void durationsAcceptTheUsualSpellings(String value) {
        assertThat(new PlatyCli.DurationConverter().convert(value)).hasSeconds(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two", "2x", "-2s", "PT", "s"})
    void aBadDurationIsAUsageError(String value) {
        Result result = cli("--timeout", value, "apps", "list");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("is not a duration");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void aMissingSourceFileIsOneLineAndNothingIsSent() {
        assertUsageError(
                cli("run", dir.resolve("nope.py").toString(), "--cluster", "local"),
                "SOURCE: no such file: " + dir.resolve("nope.py"));
    }

    @Test
    void aDirectoryWithoutItsEntryPointIsOneLineAndNothingIsSent() throws IOException {
        Files.writeString(dir.resolve("helper.py"), "x = 1\n");
        assertUsageError(
                cli("run", dir.toString(), "--cluster", "local"),
                dir + " is a directory without main.py; name its main file with --entry-point");
    }

    @Test
    void aMissingRequirementsFileIsFoundBeforeTheSourceIsUploaded() throws IOException {
        Path app = Files.writeString(dir.resolve("app.py"), "print(1)\n");
        assertUsageError(
                cli(
                        "run",
                        app.toString(),
                        "--cluster",
                        "local",
                        "--requirements",
                        dir.resolve("requirements.txt").toString()),
                "--requirements: no such file: ");
    }

    @Test
    void aMissingClusterConfigIsFoundBeforeTheSourceIsUploaded() throws IOException {
        Path app = Files.writeString(dir.resolve("app.py"), "print(1)\n");
        assertUsageError(
                cli(
                        "run",
                        app.toString(),
                        "--cluster",
                        "etl",
                        "--cluster-config",
                        dir.resolve("cluster.json").toString()),
                "--cluster-config: no such file: ");
        assertUsageError(
                cli(
                        "clusters",
                        "create",
                        "etl",
                        "--config",
                        dir.resolve("cluster.json").toString()),
                "cluster config: no such file: ");
    }

    @Test
    void aClusterConfigThatIsNotJsonIsOneLine() throws IOException {
        Path config = Files.writeString(dir.resolve("cluster.json"), "name: etl\n");
        assertUsageError(
                cli("clusters", "create", "etl", "--config", config.toString()), "is not a ClusterConfig JSON object");
    }

    @Test
    void aMissingPyFileIsFoundBeforeAnythingIsUploaded() throws IOException {
        Path app = Files.writeString(dir.resolve("app.py"), "print(1)\n");
        assertUsageError(
                cli(
                        "run",
                        app.toString(),
                        "--cluster",
                        "local",
                        "--py-files",
                        dir.resolve("lib.zip").toString()),
                "--py-files: no such file: ");
    }

    @Test
    void noClusterIsOneLine() throws IOException {
        Path app = Files.writeString(dir.resolve("app.py"), "print(1)\n");
        assertUsageError(cli("run", app.toString()), "give --cluster NAME or --shared");
    }

    @Test
    void anUnreachableServerSaysHowToPointAtTheRightOne() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PlatyCli.run(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                "--server",
                "http://127.0.0.1:" + closedPort,
                "--token",
                "platy_t",
                "--timeout",
                "2s",
                "apps",
                "list");

        assertThat(exit).isEqualTo(3);
        assertThat(err.toString().strip())
                .doesNotContain("\n")
                .startsWith("error: cannot reach the server at http://127.0.0.1:" + closedPort)
                .endsWith("set PLATY_SERVER or --server to the PlatySpark server's URL");
    }

    @Test
    void followPrintsEveryNewReasonNotOnlyNewStates() throws IOException {
        Path app = Files.writeString(dir.resolve("app.py"), "print(1)\n");
        List<String> answers = new ArrayList<>(List.of(
                appJson("PENDING", "submit attempt 1 failed: Livy at http://livy:8998 is unreachable"),
                appJson("PENDING", "submit attempt 1 failed: Livy at http://livy:8998 is unreachable"),
                appJson("PENDING", "submit attempt 2 failed: Livy at http://livy:8998 is unreachable"),
                appJson("SUCCEEDED", null)));
        server.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public mockwebserver3.MockResponse dispatch(mockwebserver3.RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                if (path.equals("/api/v1/artifacts")) {
                    return json(
                            "{\"uri\":\"file:/a/app.py\",\"sha256\":\"0\",\"size\":9," + "\"alreadyPresent\":false}");
                }
                if (path.endsWith("/logs")) {
                    return json("{\"appId\":\"a1\",\"from\":0,\"total\":0,\"nextFrom\":0,\"lines\":[]}");
                }
                if (path.equals("/api/v1/apps")) {
                    return json(appJson("PENDING", null));
                }
                synchronized (answers) {
                    return json(answers.size() > 1 ? answers.remove(0) : answers.get(0));
                }
            }
        });

        Result result = cli("run", app.toString(), "--cluster", "local", "--follow", "--poll-interval", "1ms");

        assertThat(result.exit()).as(result.out() + result.err()).isZero();
        assertThat(result.out())
                .containsSubsequence(
                        "PENDING: submit attempt 1 failed", "PENDING: submit attempt 2 failed", "state: SUCCEEDED");
        assertThat(result.out().split("submit attempt 1 failed", -1))
                .as("a reason is printed once")
                .hasSize(2);
    }

    private static String appJson(String state, String reason) {
        return "{\"id\":\"a1\",\"name\":\"app\",\"team\":\"t\",\"cluster\":\"local\",\"state\":\"" + state
                + "\",\"stateReason\":" + (reason == null ? "null" : "\"" + reason + "\"")
                + ",\"attempts\":0,\"requestId\":\"r\"}";
    }

    private static mockwebserver3.MockResponse json(String body) {
        return new mockwebserver3.MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    @Test
    void nodeRequirementsGoIntoTheClusterConfigAsPythonRequirements() throws Exception {
        Path config = Files.writeString(dir.resolve("cluster.json"), "{\"tags\": {\"team\": \"data\"}}");
        Path reqs = Files.writeString(
                dir.resolve("nodes.txt"), "# for every node\ntabulate==0.9.0\n\n" + "requests>=2.31,<3\n");
        assertUsageError(
                cli("clusters", "create", "etl", "--node-requirements", reqs.toString()),
                "--node-requirements needs --config");
        server.enqueue(new mockwebserver3.MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "application/json")
                .body("{\"id\":\"c1\",\"name\":\"etl\",\"kind\":\"DEDICATED\",\"team\":\"data\","
                        + "\"state\":\"STARTING\",\"managed\":true}")
                .build());

        Result result =
                cli("clusters", "create", "etl", "--config", config.toString(), "--node-requirements", reqs.toString());

        assertThat(result.exit()).as(result.err()).isZero();
        String body = server.takeRequest().getBody().utf8();
        assertThat(body)
                .contains("\"config\":{\"tags\":{\"team\":\"data\"},"
                        + "\"pythonRequirements\":[\"tabulate==0.9.0\",\"requests>=2.31,<3\"]}");
    }

    private void assertUsageError(Result result, String message) {
        assertThat(result.exit()).as(result.out() + result.err()).isEqualTo(2);
        assertThat(result.err().strip())
                .doesNotContain("\n")
                .doesNotContain("Exception")
                .startsWith("error: ")
                .contains(message);
        assertThat(server.getRequestCount()).as("requests sent").isZero();
    }
}
