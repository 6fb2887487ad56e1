package io.platyspark.bench;

import io.platyspark.core.testing.TestDatabase;
import io.platyspark.server.SparkServerApplication;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** A spark-server in this JVM on a fresh PostgreSQL database with production settings ({@link BenchDatabase}). */
final class BenchServer implements AutoCloseable {

    static final String TOKEN = "platy_bench-admin-token-0123456789abcdef";

    final TestDatabase.Database database;
    final ConfigurableApplicationContext context;
    final Http http;

    BenchServer(Map<String, Object> extra) {
        database = BenchDatabase.production();
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.datasource.url", database.url());
        properties.put("spring.datasource.username", database.user());
        properties.put("spring.datasource.password", database.password());
        properties.put("spring.datasource.hikari.maximum-pool-size", "20");
        properties.put("server.port", "0");
        properties.put("platy.embedded-postgres.enabled", "false");
        properties.put("platy.security.bootstrap-admin-token", TOKEN);
        properties.put("platy.security.local-source-roots", "/opt/apps");
        properties.put("logging.level.root", "WARN");
        properties.put("logging.level.io.platyspark", "WARN");
        properties.put("spring.main.banner-mode", "off");
        properties.putAll(extra);
        // As arguments, not default properties: application.yml's own values (server.port: ${PORT:8080}) outrank
        // defaults, and a bench run must never take a port or setting from its surroundings.
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        context = new SpringApplicationBuilder(SparkServerApplication.class).run(args);
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        http = new Http("http://localhost:" + port, TOKEN);
    }

    DataSource dataSource() {
        return context.getBean(DataSource.class);
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
