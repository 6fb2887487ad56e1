package io.platyspark.client.cli;

import io.platyspark.client.Model;
import io.platyspark.client.PlatyApiException;
import io.platyspark.client.PlatyClient;
import io.platyspark.client.PlatyTransportException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** {@code platy}: PlatySpark's operator as a command line — run apps, follow them, manage clusters and tokens. */
@Command(name = "platy", mixinStandardHelpOptions = true, version = "platy 0.1.0",
        description = "Run Spark apps on PlatySpark and manage its apps, clusters and tokens.",
        subcommands = {RunCommand.class, AppsCommand.class, ClustersCommand.class, TokensCommand.class})
public final class PlatyCli implements Callable<Integer> {

    /** Exit codes: 0 success, 1 the app did not succeed, 2 the server refused, 3 the server was unreachable. */
    static final int APP_FAILED = 1;
    static final int REFUSED = 2;
    static final int UNREACHABLE = 3;

    @Option(names = "--server", description = "The PlatySpark server (env PLATY_SERVER)",
            defaultValue = "${env:PLATY_SERVER:-http://localhost:8080}")
    String server;

    @Option(names = "--token", description = "API token (env PLATY_TOKEN)", defaultValue = "${env:PLATY_TOKEN}")
    String token;

    @Option(names = {"-o", "--output"}, description = "table (default) or json", defaultValue = "table")
    String output;

    @Option(names = "--timeout", description = "Per-request timeout, e.g. 60s", defaultValue = "60s",
            converter = DurationConverter.class)
    Duration timeout;

    @Spec
    CommandLine.Model.CommandSpec spec;

    final JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }

    PlatyClient client() {
        return PlatyClient.builder().baseUrl(server).token(token).readTimeout(timeout).build();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    boolean jsonOutput() {
        return "json".equalsIgnoreCase(output);
    }

    void printJson(Object value) {
        out().println(json.writeValueAsString(value));
        out().flush();
    }

    /** Runs the CLI and returns its exit code (tests call this; {@link #main} exits with it). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new PlatyCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            PrintWriter errors = commandLine.getErr();
            if (e instanceof PlatyApiException api) {
                errors.println("error: " + (api.detail() != null ? api.detail() : api.getMessage())
                        + (api.field() != null ? " (field: " + api.field() + ")" : "")
                        + (api.requestId() != null ? " [request " + api.requestId() + "]" : ""));
                errors.flush();
                return REFUSED;
            }
            if (e instanceof PlatyTransportException transport) {
                errors.println("error: cannot reach the server: " + transport.getMessage());
                errors.flush();
                return UNREACHABLE;
            }
            throw e;
        });
        return cli.execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Reads {@code 30s}, {@code 5m}, {@code PT1M}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase();
            if (v.startsWith("pt")) {
                return Duration.parse(value);
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new CommandLine.TypeConversionException("not a duration: " + value);
            };
        }
    }

    /** A command under {@code platy}. */
    abstract static class Sub {
        @ParentCommand
        PlatyCli root;
    }

    static String table(List<String[]> rows) {
        int columns = rows.isEmpty() ? 0 : rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i] == null ? 1 : row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                String cell = row[i] == null ? "-" : row[i];
                text.append(i == columns - 1 ? cell : String.format("%-" + (widths[i] + 2) + "s", cell));
            }
            text.append('\n');
        }
        return text.toString();
    }

    static String[] appRow(Model.App a) {
        return new String[] {a.id(), a.name(), a.team(), a.cluster(), a.state(),
                a.createdAt() == null ? null : a.createdAt().toString()};
    }
}
