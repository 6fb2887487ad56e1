package io.platyspark.livy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The body of {@code POST /batches}, with every field Livy accepts. Only fields that are set are sent: Livy
 * rejects unknown fields, and an empty list or map means nothing to it. The builder refuses what Livy would refuse
 * only after taking an id (an all-digit name) and what spark-submit would fail on later (zero cores).
 */
public final class CreateBatchRequest {

    private final Map<String, Object> fields;

    private CreateBatchRequest(Map<String, Object> fields) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static Builder builder() {
        return new Builder();
    }

    public String file() {
        return (String) fields.get("file");
    }

    public String name() {
        return (String) fields.get("name");
    }

    /** The JSON object to send, in Livy's field names. */
    public Map<String, Object> toJson() {
        return fields;
    }

    @Override
    public String toString() {
        return "CreateBatchRequest" + fields.keySet();
    }

    /** Builds a request; {@link #build()} fails without {@code file}. */
    public static final class Builder {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        /** The main {@code .py} or {@code .jar}: an absolute path on the cluster's file system or a URI. */
        public Builder file(String file) {
            if (file != null && file.isBlank()) {
                throw new IllegalArgumentException(
                        "file is blank: give the app's main .py or .jar, e.g. " + "s3://bucket/app.py");
            }
            return put("file", file);
        }

        public Builder className(String className) {
            return put("className", className);
        }

        public Builder args(List<String> args) {
            return putList("args", args);
        }

        public Builder jars(List<String> jars) {
            return putList("jars", jars);
        }

        public Builder pyFiles(List<String> pyFiles) {
            return putList("pyFiles", pyFiles);
        }

        public Builder files(List<String> files) {
            return putList("files", files);
        }

        public Builder archives(List<String> archives) {
            return putList("archives", archives);
        }

        public Builder driverMemory(String memory) {
            return put("driverMemory", memory);
        }

        public Builder driverCores(int cores) {
            return put("driverCores", positive("driverCores", cores));
        }

        public Builder executorMemory(String memory) {
            return put("executorMemory", memory);
        }

        public Builder executorCores(int cores) {
            return put("executorCores", positive("executorCores", cores));
        }

        public Builder numExecutors(int executors) {
            return put("numExecutors", positive("numExecutors", executors));
        }

        public Builder queue(String queue) {
            return put("queue", queue);
        }

        /** Unique among the batches Livy holds; Livy looks an all-digit value up as an id, so it refuses one. */
        public Builder name(String name) {
            if (name != null && (name.isEmpty() || name.chars().allMatch(Character::isDigit))) {
                throw new IllegalArgumentException("name '" + name + "' is empty or all digits, which Livy refuses "
                        + "(it reads digits as a batch id): use a name with a letter, e.g. 'platy-" + name + "'");
            }
            return put("name", name);
        }

        public Builder proxyUser(String proxyUser) {
            return put("proxyUser", proxyUser);
        }

        public Builder conf(Map<String, String> conf) {
            if (conf != null && !conf.isEmpty()) {
                Map<String, String> copy = new LinkedHashMap<>();
                conf.forEach((key, value) -> copy.put(
                        Objects.requireNonNull(key, "conf key == null"),
                        Objects.requireNonNull(value, () -> "conf value of " + key + " == null")));
                // Kept in the caller's order so the JSON sent is stable (and readable in Livy's log).
                fields.put("conf", Collections.unmodifiableMap(copy));
            }
            return this;
        }

        public CreateBatchRequest build() {
            Objects.requireNonNull(fields.get("file"), "file == null");
            return new CreateBatchRequest(fields);
        }

        private static int positive(String field, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(field + " must be at least 1, got " + value);
            }
            return value;
        }

        private Builder put(String key, Object value) {
            if (value != null) {
                fields.put(key, value);
            }
            return this;
        }

        private Builder putList(String key, List<String> values) {
            if (values != null && !values.isEmpty()) {
                fields.put(key, List.copyOf(values));
            }
            return this;
        }
    }
}
