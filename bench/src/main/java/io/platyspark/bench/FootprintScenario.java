package io.platyspark.bench;

import io.platyspark.core.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * spark-server as ops run it: its runnable jar in a JVM of its own. Time from process start to a healthy
 * readiness probe, and resident memory idle and after a load of submits and lists.
 */
final class FootprintScenario {

    private FootprintScenario() {}

    static void run(Bench.Sizes sizes, Report report, Path repo) throws Exception {
        Path jar = ServerProcess.jar(repo);
        TestDatabase.Database db = BenchDatabase.production();
        long start = System.nanoTime();
        try (ServerProcess process = ServerProcess.start(
                ServerProcess.javaJar(jar),
                db,
                Map.of("platy.submission.enabled", "false", "platy.security.local-source-roots", "/opt/apps"))) {
            process.awaitReady();
            double startSeconds = (System.nanoTime() - start) / 1e9;
            Http http = process.api();
            http.get("/api/v1/apps?limit=1");
            double idleMb = rssMb(process.pid());
            Http.concurrently(16, sizes.footprintRequests(), n -> {
                if (n % 2 == 0) {
                    http.post(
                            "/api/v1/apps",
                            "{\"name\":\"load-" + n + "\",\"team\":\"bench\",\"cluster\":\"local\","
                                    + "\"source\":\"/opt/apps/etl.py\"}");
                } else {
                    http.get("/api/v1/apps?team=bench&limit=100");
                }
            });
            double loadedMb = rssMb(process.pid());
            report.add("footprint", "start to readiness (s)", startSeconds, Double.NaN, "s", "–");
            // Two states of the same process, not a figure and its baseline: no ratio.
            report.figure("footprint", "resident memory idle", idleMb, "MB");
            report.figure("footprint", "resident memory after load", loadedMb, "MB");
            report.note(String.format(
                    "Footprint: `java -Xmx512m -jar spark-server-exec.jar` on an external "
                            + "PostgreSQL; load = %d requests (half submits, half lists) from 16 clients.",
                    sizes.footprintRequests()));
        }
        classDataSharing(report, jar, db);
    }

    /**
     * What the images do (Dockerfile): the jar extracted with its lib/, a training run that archives the classes
     * start-up loads, and starts that map the archive. Start-to-ready with the archive beside the same extracted
     * jar without it, on the same database, one after the other.
     */
    private static void classDataSharing(Report report, Path jar, TestDatabase.Database db) throws Exception {
        Path dir = Files.createTempDirectory("platy-cds");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        run(dir, List.of(java, "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination", "app"));
        Path app = dir.resolve("app").resolve(jar.getFileName());
        Path archive = dir.resolve("app.jsa");
        List<String> training = new ArrayList<>(List.of(
                java,
                "-XX:ArchiveClassesAtExit=" + archive,
                "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off",
                "-Dspring.context.exit=onRefresh",
                "-jar",
                app.toString(),
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/training",
                "--spring.flyway.enabled=false",
                "--platy.embedded-postgres.enabled=false",
                "--platy.submission.enabled=false",
                "--platy.security.generate-admin-token=false",
                "--server.port=0",
                "--logging.level.root=WARN"));
        run(dir, training);
        double plain = startToReady(List.of(java, "-Xmx512m", "-jar", app.toString()), db);
        double shared =
                startToReady(List.of(java, "-Xmx512m", "-XX:SharedArchiveFile=" + archive, "-jar", app.toString()), db);
        report.add(
                "footprint",
                "start to readiness, class-data sharing (s)",
                shared,
                plain,
                "s",
                "the same jar without the archive");
        report.note("Start-up: the images extract the jar and start it with a class-data sharing archive from a "
                + "training run (Dockerfile); both figures are `java -jar` of the extracted jar on an external "
                + "PostgreSQL, from process start to a ready probe.");
    }

    private static double startToReady(List<String> java, TestDatabase.Database db) throws Exception {
        long start = System.nanoTime();
        try (ServerProcess process = ServerProcess.start(
                java, db, Map.of("platy.submission.enabled", "false", "platy.local.enabled", "false"))) {
            process.awaitReady();
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static void run(Path dir, List<String> command) throws Exception {
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue());
        }
    }

    private static double rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
