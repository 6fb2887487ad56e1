package io.platyspark.livy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The body of {@code POST /batches}, with every field Livy accepts. Only fields that are set are sent: Livy
 * rejects unknown fields, and an empty list or map means nothing to it.
 */
public final class CreateBatchRequest {

    private final Map<String, Object> fields;

    private CreateBatchRequest(Map<String, Object> fields) {
        this.fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
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

        public Builder file(String file) {
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
            return put("driverCores", cores);
        }

        public Builder executorMemory(String memory) {
            return put("executorMemory", memory);
        }

        public Builder executorCores(int cores) {
            return put("executorCores", cores);
        }

        public Builder numExecutors(int executors) {
            return put("numExecutors", executors);
        }

        public Builder queue(String queue) {
            return put("queue", queue);
        }

        public Builder name(String name) {
            return put("name", name);
        }

        public Builder proxyUser(String proxyUser) {
            return put("proxyUser", proxyUser);
        }

        public Builder conf(Map<String, String> conf) {
            if (conf != null && !conf.isEmpty()) {
                fields.put("conf", Map.copyOf(conf));
            }
            return this;
        }

        public CreateBatchRequest build() {
            Objects.requireNonNull(fields.get("file"), "file == null");
            return new CreateBatchRequest(fields);
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
