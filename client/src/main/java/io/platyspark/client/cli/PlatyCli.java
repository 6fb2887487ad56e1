package io.platyspark.client.cli;

import io.platyspark.client.Model;
import io.platyspark.client.PlatyApiException;
import io.platyspark.client.PlatyClient;
import io.platyspark.client.PlatyTransportException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** {@code platy}: PlatySpark's operator as a command line — run apps, follow them, manage clusters and tokens. */
@Command(
        name = "platy",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        version = "platy 0.1.0",
        description = "Run Spark apps on PlatySpark and manage its apps, clusters and tokens.",
        subcommands = {RunCommand.class, AppsCommand.class, ClustersCommand.class, TokensCommand.class})
public final class PlatyCli implements Callable<Integer> {

    /** Exit codes: 0 success, 1 the app did not succeed, 2 the server refused, 3 the server was unreachable. */
    static final int APP_FAILED = 1;

    static final int REFUSED = 2;
    static final int UNREACHABLE = 3;

    @Option(
            names = "--server",
            description = "The PlatySpark server (env PLATY_SERVER)",
            defaultValue = "${env:PLATY_SERVER:-http://localhost:8080}")
    String server;

    @Option(names = "--token", description = "API token (env PLATY_TOKEN)", defaultValue = "${env:PLATY_TOKEN}")
    String token;

    @Option(
            names = {"-o", "--output"},
            description = "table (default) or json",
            defaultValue = "table")
    String output;

    @Option(
            names = "--timeout",
            description = "Per-request timeout: 60, 60s, 1m or PT60S",
            defaultValue = "60s",
            converter = DurationConverter.class)
    Duration timeout;

    @Spec
    CommandLine.Model.CommandSpec spec;

    final JsonMapper json =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }

    PlatyClient client() {
        try {
            return PlatyClient.builder()
                    .baseUrl(server)
                    .token(token)
                    .readTimeout(timeout)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + " (check --server / PLATY_SERVER and --token / PLATY_TOKEN)");
        }
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
                PlatyCli root =
                        commandLine.getCommandSpec().root().commandLine().getCommand();
                errors.println("error: cannot reach the server at " + root.server + " ("
                        + (transport.getCause() != null ? transport.getCause().getMessage() : transport.getMessage())
                        + "); set PLATY_SERVER or --server to the PlatySpark server's URL");
                errors.flush();
                return UNREACHABLE;
            }
            if (e instanceof UsageException usage) {
                errors.println("error: " + usage.getMessage());
                errors.flush();
                return REFUSED;
            }
            throw e;
        });
        return cli.execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * A mistake the user can fix before anything is sent (a missing local file, say): one line on stderr, exit 2.
     */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** Reads {@code 2} (seconds), {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code PT1M}. */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            Duration duration;
            try {
                duration = v.startsWith("pt") ? Duration.parse(v) : simple(v);
            } catch (java.time.format.DateTimeParseException e) {
                duration = null;
            }
            if (duration == null || duration.isNegative()) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration: write 2 (seconds), 500ms, 30s, 5m, 1h or PT2S");
            }
            return duration;
        }

        private static Duration simple(String v) {
            Matcher m = SIMPLE.matcher(v);
            if (!m.matches()) {
                return null;
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
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
        return new String[] {
            a.id(),
            a.name(),
            a.team(),
            a.cluster(),
            String.valueOf(a.state()),
            a.createdAt() == null ? null : a.createdAt().toString()
        };
    }
}
