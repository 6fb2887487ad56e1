package io.platyspark.core.submit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exactly-once submission through Livy rests on Livy still listing a batch when a crashed worker's app is taken
 * over: the next attempt looks the batch up by name and adopts it. Livy removes a finished batch
 * {@code livy.server.session.state-retain.sec} after it ends, and a batch can end right after it was created, so
 * Livy's retention must be longer than the longest an app claimed by a dead worker stays unresolved (the claim's
 * lease plus one poll of the queue). With a shorter retention a job that finished in between is run again.
 */
public final class LivyRetention {

    /** The Livy setting, in EMR's {@code livy-conf} classification too. */
    public static final String SETTING = "livy.server.session.state-retain.sec";
    /** Livy's time strings: a number with an optional unit (seconds without one). */
    private static final Pattern TIME = Pattern.compile("(\\d+)\\s*(ms|s|m|min|h|d)?");

    private LivyRetention() {}

    /** The longest an app claimed by a worker that died stays unresolved (the submission worker's bound). */
    public static Duration exactlyOnceWindow(SubmissionProperties submission) {
        return submission.claimResolutionBound();
    }

    /**
     * Why a retention breaks exactly-once, or empty when it is long enough.
     *
     * @param where what has that retention, for the message (e.g. {@code platy.livy.state-retain})
     */
    public static Optional<String> problem(String where, Duration retention, SubmissionProperties submission) {
        Duration window = exactlyOnceWindow(submission);
        if (retention.compareTo(window) > 0) {
            return Optional.empty();
        }
        return Optional.of(where + " is " + retention.toSeconds() + "s, but exactly-once submission needs Livy to keep "
                + "a finished batch for longer than the submission lease's worst case (platy.submission.lease "
                + submission.lease().toSeconds() + "s + platy.submission.poll-interval "
                + submission.pollInterval().toMillis() + "ms = " + window.toMillis() + "ms): a worker that dies "
                + "after creating a batch leaves its app unresolved that long, and a batch Livy purged meanwhile is "
                + "created again. Raise " + SETTING + " on Livy (and " + where + ") or shorten platy.submission"
                + ".lease");
    }

    /**
     * What a process that submits to Livy must refuse to start with: the retention of the Livy servers registered by
     * URL, and the one EMR's platform defaults give every cluster the platform creates, each against the window.
     *
     * @param emrConfigurations the EMR platform defaults' configurations, or null without EMR
     */
    public static List<String> startupProblems(
            Duration registeredRetention,
            Map<String, Map<String, String>> emrConfigurations,
            SubmissionProperties submission) {
        List<String> problems = new ArrayList<>();
        problem("platy.livy.state-retain", registeredRetention, submission).ifPresent(problems::add);
        emrProblem(emrConfigurations, submission).ifPresent(problems::add);
        return problems;
    }

    /** Why the Livy retention EMR's platform defaults give every cluster breaks exactly-once, or empty. */
    public static Optional<String> emrProblem(
            Map<String, Map<String, String>> emrConfigurations, SubmissionProperties submission) {
        return fromConfigurations(emrConfigurations)
                .flatMap(r -> problem("the EMR clusters' livy-conf " + SETTING, r, submission));
    }

    /**
     * Why the retention a cluster's own config gives its Livy ({@code livy-conf}) breaks exactly-once, or empty when
     * it is long enough. Said as a field message: the caller names the field.
     *
     * @param value           the config's value of {@link #SETTING}, a Livy time string
     * @param platformDefault the retention the platform gives clusters whose config sets none, when known
     */
    public static Optional<String> clusterConfigProblem(
            String value, Optional<Duration> platformDefault, SubmissionProperties submission) {
        Duration retention;
        try {
            retention = parse(value);
        } catch (IllegalArgumentException e) {
            return Optional.of("'" + value + "' is not a Livy time; give seconds or a number with a unit (600s, 10m, "
                    + "1h), or leave it out");
        }
        Duration window = exactlyOnceWindow(submission);
        if (retention.compareTo(window) > 0) {
            return Optional.empty();
        }
        return Optional.of("is " + retention.toMillis() + "ms, but must be longer than " + window.toMillis() + "ms "
                + "(platy.submission.lease " + submission.lease().toSeconds() + "s + platy.submission.poll-interval "
                + submission.pollInterval().toMillis() + "ms): exactly-once submission finds the batch of an app "
                + "whose worker died by its name at Livy up to that long after, and a batch Livy purged meanwhile is "
                + "run again; set more than " + (window.toSeconds() + 1) + "s, or leave it out"
                + platformDefault
                        .map(d -> " for the platform's " + d.toSeconds() + "s")
                        .orElse(""));
    }

    /** The retention an EMR cluster's configurations give Livy, when they set it. */
    public static Optional<Duration> fromConfigurations(Map<String, Map<String, String>> configurations) {
        Map<String, String> livyConf = configurations == null ? null : configurations.get("livy-conf");
        String value = livyConf == null ? null : livyConf.get(SETTING);
        return value == null ? Optional.empty() : Optional.of(parse(value));
    }

    /** Reads a Livy time string ({@code 600}, {@code 600s}, {@code 10m}, {@code 1h}). */
    static Duration parse(String value) {
        Matcher m = TIME.matcher(value.strip().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(SETTING + " '" + value + "' is not a Livy time (e.g. 600s, 10m, 1h)");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        try {
            long n = Long.parseLong(m.group(1));
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m", "min" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (ArithmeticException | NumberFormatException e) {
            // A value a user sent: too large is a bad value, not an error of ours.
            throw new IllegalArgumentException(SETTING + " '" + value + "' is out of range", e);
        }
    }
}
