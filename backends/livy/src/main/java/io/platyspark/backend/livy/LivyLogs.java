package io.platyspark.backend.livy;

import io.platyspark.core.backend.LogLine;
import io.platyspark.core.backend.LogStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Livy's batch log, one list of strings where section markers ({@code stdout: }, {@code \nstderr: },
 * {@code \nYARN Diagnostics: }) open each stream, into lines marked with their stream.
 */
final class LivyLogs {

    private LivyLogs() {}

    static List<LogLine> classify(List<String> raw) {
        List<LogLine> lines = new ArrayList<>(raw.size());
        LogStream stream = LogStream.STDOUT;
        for (String entry : raw) {
            String text = entry;
            if (text.startsWith("stdout: ")) {
                stream = LogStream.STDOUT;
                text = text.substring("stdout: ".length());
            } else if (text.startsWith("\nstderr: ")) {
                stream = LogStream.STDERR;
                text = text.substring("\nstderr: ".length());
            } else if (text.startsWith("\nYARN Diagnostics: ")) {
                stream = LogStream.DIAGNOSTICS;
                text = text.substring("\nYARN Diagnostics: ".length());
            }
            // A marker with nothing after it is a section heading, not a line of output.
            if (text.isEmpty() && entry.length() != text.length()) {
                continue;
            }
            lines.add(new LogLine(stream, text));
        }
        return lines;
    }

    /**
     * The lines that say why an app died: YARN's diagnostics first, else the last error in the output. Real Livy
     * puts spark-submit's and Python's stderr into the {@code stdout:} section, and Spark's shutdown lines follow a
     * traceback, so every stream is searched and a traceback's final line (the exception and its message) is
     * preferred over a later line that merely mentions an error.
     */
    static String failureSummary(List<String> raw) {
        List<LogLine> lines = classify(raw);
        List<String> diagnostics = lines.stream()
                .filter(l -> l.stream() == LogStream.DIAGNOSTICS)
                .map(LogLine::text)
                .filter(t -> !t.isBlank())
                .toList();
        if (!diagnostics.isEmpty()) {
            return String.join(" ", diagnostics).strip();
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).text().startsWith("Traceback (most recent call last)")) {
                // The traceback's frames are indented; its first unindented line names the exception.
                for (int j = i + 1; j < lines.size(); j++) {
                    String text = lines.get(j).text();
                    if (!text.isBlank() && !Character.isWhitespace(text.charAt(0))) {
                        return text.strip();
                    }
                }
            }
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            String text = lines.get(i).text();
            if (text.contains("Error") || text.contains("Exception")) {
                return text.strip();
            }
        }
        return null;
    }
}
