package io.platyspark.backend.local;

import io.platyspark.core.backend.LogLine;
import io.platyspark.core.backend.LogPage;
import io.platyspark.core.backend.LogStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The local backend's log file: one line per output line, prefixed with its stream's letter and a tab. */
final class LocalLogFile {

    private static final Pattern EXCEPTION_LINE = Pattern.compile("^[A-Za-z_][\\w.$]*(Error|Exception|Exit)\\b.*");

    private LocalLogFile() {}

    static String encode(LogStream stream, String line) {
        return (stream == LogStream.STDOUT ? "o\t" : "e\t") + line;
    }

    static LogLine decode(String raw) {
        if (raw.length() >= 2 && raw.charAt(1) == '\t') {
            return new LogLine(raw.charAt(0) == 'o' ? LogStream.STDOUT : LogStream.STDERR, raw.substring(2));
        }
        return new LogLine(LogStream.STDERR, raw);
    }

    /**
     * Reads {@code size} lines from line {@code from}; a negative {@code from} means the last {@code size} lines,
     * as Livy does.
     */
    static LogPage read(Path file, int from, int size) throws IOException {
        List<String> all = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                all.add(line);
            }
        } catch (NoSuchFileException e) {
            return LogPage.empty(Math.max(from, 0));
        }
        int total = all.size();
        int start = from < 0 ? Math.max(0, total - size) : Math.min(from, total);
        int end = Math.min(total, start + size);
        List<LogLine> lines = new ArrayList<>(end - start);
        for (String raw : all.subList(start, end)) {
            lines.add(decode(raw));
        }
        return new LogPage(start, total, lines);
    }

    /**
     * The line that most likely names why a run failed: the last exception line (Python's {@code ValueError: ...},
     * a Java {@code ...Exception: ...}), else the last ERROR log line. Both streams count: Spark's PythonRunner
     * merges the driver's stderr into stdout, so a Python traceback arrives on stdout.
     */
    static String failureSummary(Path file) throws IOException {
        String lastException = null;
        String lastError = null;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String raw;
            while ((raw = reader.readLine()) != null) {
                LogLine line = decode(raw);
                String text = line.text().strip();
                if (EXCEPTION_LINE.matcher(text).matches()) {
                    lastException = text;
                } else if (text.contains(" ERROR ")) {
                    lastError = text;
                }
            }
        } catch (NoSuchFileException e) {
            return null;
        }
        return lastException != null ? lastException : lastError;
    }
}
