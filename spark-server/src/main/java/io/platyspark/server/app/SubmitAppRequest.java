package io.platyspark.server.app;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/** The body of {@code POST /api/v1/apps}. */
record SubmitAppRequest(
        @Schema(description = "A name people recognise the app by", example = "daily-revenue")
        @NotBlank(message = "is required: a name for the app, e.g. \"daily-revenue\"")
        @Size(max = 128, message = "must be at most 128 characters")
        @Pattern(
                regexp = "[A-Za-z0-9][A-Za-z0-9._ -]*",
                message = "may hold letters, digits, '.', '_', '-' and "
                        + "spaces, and must start with a letter or digit")
        String name,

        @Schema(description = "The team that owns the app; defaults to the caller's team", example = "data-platform")
        @Size(max = 63, message = "must be at most 63 characters")
        @Pattern(
                regexp = "[a-z0-9][a-z0-9_-]*",
                message = "must be lower-case letters, digits, '-' or '_', " + "starting with a letter or digit")
        String team,

        @Schema(description = "The cluster to run on", example = "local")
        @NotBlank(message = "is required: the cluster to run on, e.g. \"local\"")
        @Size(max = 128, message = "must be at most 128 characters")
        String cluster,

        @Schema(
                description = "The main .py file or jar: an absolute path or a URI the backend can read",
                example = "/opt/apps/etl.py")
        @NotBlank(message = "is required: the app's main .py file or jar, as an absolute path or a URI")
        @Size(max = 2048, message = "must be at most 2048 characters")
        String source,

        @Schema(description = "The main class, for jar sources only", example = "com.example.Etl")
        @Size(max = 512, message = "must be at most 512 characters")
        String mainClass,

        @Schema(description = "Arguments passed to the app")
        @Size(max = 1000, message = "may hold at most 1000 arguments")
        List<
                        @NotNull(message = "entries must not be null")
                        @Size(max = 8192, message = "an argument may be at most 8192 characters") String>
                args,

        @Schema(description = "Spark configuration, e.g. spark.executor.memory")
        @Size(max = 500, message = "may hold at most 500 entries")
        Map<
                        @Pattern(
                                regexp = "spark\\.[A-Za-z0-9._-]+",
                                message = "keys must be Spark settings starting with " + "'spark.'")
                        String,
                        @NotNull(message = "values must not be null") @Size(max = 8192) String>
                sparkConf,

        @Schema(description = "Extra Python files or archives (URIs or absolute paths) for --py-files")
        @Size(max = 100, message = "may hold at most 100 entries")
        List<@NotBlank(message = "entries must not be blank") @Size(max = 2048) String> pyFiles,

        @Schema(
                description = "pip requirement lines; the app gets a Python environment built from them",
                example = "[\"requests==2.32.3\"]")
        @Size(max = 500, message = "may hold at most 500 requirements")
        List<
                        @NotBlank(message = "entries must not be blank") @Size(max = 512)
                        @Pattern(regexp = "[^\\r\\n]+", message = "one requirement per entry, without line breaks")
                        String>
                requirements,

        @Schema(description = "The Python version of the app's environment (default: the platform's)", example = "3.11")
        @Pattern(regexp = "3\\.[0-9]{1,2}", message = "must look like 3.11")
        String pythonVersion,

        @Schema(
                description = "A ClusterConfig: when no active cluster is named `cluster`, a dedicated one is "
                        + "created from it (get-or-create; concurrent submits make one cluster)")
        Map<String, Object> clusterConfig) {}
