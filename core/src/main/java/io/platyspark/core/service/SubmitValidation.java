package io.platyspark.core.service;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.app.NewSparkApp;
import io.platyspark.core.env.EnvSpec;
import io.platyspark.core.security.Caller;
import io.platyspark.core.security.CanonicalLocation;
import io.platyspark.core.security.LocationCanonicalizer;
import io.platyspark.core.security.SourcePolicy;
import io.platyspark.core.security.SparkSettingsPolicy;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every rule a submitted app ({@code POST /api/v1/apps}) is held to, in the order a caller fixes them: the team it
 * acts for, the idempotency key, the form of the source, text the store cannot hold, requirement lines, Spark
 * settings, then each location in its canonical spelling against the source policy and the own-uploads rule. The
 * API and {@link AppService} both go through here, so a rule exists once. Every refusal is an
 * {@link InvalidFieldException} naming the request's field and saying what to do; nothing else is thrown for any
 * input. The shape of the JSON body (types, lengths, character classes of names) is the HTTP layer's.
 */
public final class SubmitValidation {

    /** The header a submit's idempotency key comes in: the field its refusals name. */
    public static final String IDEMPOTENCY_KEY_FIELD = "Idempotency-Key";

    private static final Pattern URI_WITH_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.+");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    /** Where uploads land: {@code .../uploads/<team>/<sha256>/<name>}, on the local store or in S3. */
    private static final Pattern UPLOAD = Pattern.compile(".*/uploads/([^/]+)/[0-9a-f]{64}/[^/]+$");

    private final SourcePolicy sources;

    public SubmitValidation(SourcePolicy sources) {
        this.sources = sources;
    }

    /** The team an app is submitted for: the one asked for, else the caller's own. */
    public static String team(String requested, Caller caller) {
        String team = requested != null ? requested : caller.team();
        if (team == null) {
            throw new InvalidFieldException("team", "is required: an admin token acts for no team of its own");
        }
        return team;
    }

    /**
     * Checks {@code app} and returns it with every location (source, py-files, file-naming Spark settings) in its
     * canonical spelling: what is stored and what the backend reads, so no rule can be passed by a spelling
     * another part reads differently.
     *
     * @throws InvalidFieldException naming the first field refused
     */
    public NewSparkApp validate(Caller caller, NewSparkApp app) {
        checkForm(app.idempotencyKey(), app.source(), app.mainClass());
        checkText(app);
        EnvSpec.checkRequirements(app.requirements(), "requirements");
        SparkSettingsPolicy.check(app.sparkConf());
        LocationCanonicalizer.AppLocations locations =
                LocationCanonicalizer.canonicalize(app.source(), app.pyFiles(), app.sparkConf());
        // Judged again on the canonical spelling, the one stored: ".../app.py/" reads as a .py source once
        // canonical, so an accepted app passes its own check again.
        checkMainClass(app.mainClass(), locations.source());
        for (CanonicalLocation location : locations.all()) {
            sources.check(location);
            if (!caller.admin()) {
                // An admin acts for every team, with any team's uploads.
                checkOwnUpload(location, app.team());
            }
        }
        return app.withLocations(locations.source(), locations.pyFiles(), locations.sparkConf());
    }

    /**
     * The form of the idempotency key and the source, the mistakes a caller makes most: said before the
     * canonicaliser's finer rules. The API checks them before it resolves the team, so a request that is wrong in
     * both is told about these first; {@link #validate} applies them again for every other caller.
     */
    public static void checkForm(String idempotencyKey, String source, String mainClass) {
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw new InvalidFieldException(
                    IDEMPOTENCY_KEY_FIELD, "must be 1 to 255 visible ASCII characters, e.g. a UUID");
        }
        if (!source.startsWith("/") && !URI_WITH_SCHEME.matcher(source).matches()) {
            throw new InvalidFieldException(
                    "source",
                    "'" + source + "' must be an absolute path or a URI such as "
                            + "s3://bucket/app.py or file:/opt/app.py; a relative path means nothing on the server");
        }
        if (source.contains("/../") || source.endsWith("/..")) {
            throw new InvalidFieldException("source", "must not contain '..' segments; give the resolved path");
        }
        checkMainClass(mainClass, source);
    }

    private static void checkMainClass(String mainClass, String source) {
        if (mainClass != null && source.toLowerCase(Locale.ROOT).endsWith(".py")) {
            throw new InvalidFieldException("mainClass", "applies to jar sources only; remove it for a .py source");
        }
    }

    /**
     * A team's app runs its own team's uploads only: another team's upload is refused even when its URI is known.
     * Judged on the canonical path, the one the backend reads.
     */
    private static void checkOwnUpload(CanonicalLocation location, String team) {
        Matcher m = UPLOAD.matcher(location.path());
        if (m.matches() && !m.group(1).equals(team)) {
            throw new InvalidFieldException(
                    location.field(),
                    "is an upload of team '" + m.group(1) + "'; an app " + "of team '" + team
                            + "' runs its own team's uploads only (upload it again as this team)");
        }
    }

    /** NUL cannot be stored (nor is it in any real path, argument or setting): refused, naming where it is. */
    private static void checkText(NewSparkApp app) {
        checkText("name", app.name());
        checkText("team", app.team());
        checkText("cluster", app.clusterName());
        checkText("source", app.source());
        checkText("mainClass", app.mainClass());
        for (int i = 0; i < app.args().size(); i++) {
            checkText("args[" + i + "]", app.args().get(i));
        }
        app.sparkConf().forEach((key, value) -> {
            checkText("sparkConf", key);
            checkText("sparkConf[" + key + "]", value);
        });
        for (int i = 0; i < app.pyFiles().size(); i++) {
            checkText("pyFiles[" + i + "]", app.pyFiles().get(i));
        }
        for (int i = 0; i < app.requirements().size(); i++) {
            checkText("requirements[" + i + "]", app.requirements().get(i));
        }
    }

    private static void checkText(String field, String value) {
        if (value != null && value.indexOf('\u0000') >= 0) {
            throw new InvalidFieldException(field, "must not contain a NUL character");
        }
    }
}
