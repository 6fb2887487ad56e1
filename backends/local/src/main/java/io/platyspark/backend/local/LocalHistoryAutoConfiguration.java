package io.platyspark.backend.local;

import io.platyspark.core.history.HistoryAutoConfiguration;
import io.platyspark.core.history.HistoryProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The local backend's event logs, and the embedded mode's History Server on them (pyspark's own). */
@AutoConfiguration(before = HistoryAutoConfiguration.class, after = LocalBackendAutoConfiguration.class)
@ConditionalOnBean(LocalSparkBackend.class)
@EnableConfigurationProperties(HistoryProperties.class)
public class LocalHistoryAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LocalHistoryAutoConfiguration.class);

    @Bean(destroyMethod = "stop")
    LocalHistory localHistory(
            LocalSparkBackend local, LocalSparkProperties localProperties, HistoryProperties history) {
        LocalHistoryServer server = null;
        if (history.embeddedServer()) {
            server = local.sparkHome()
                    .map(home -> LocalHistoryServer.start(
                            home,
                            local.eventLogDir(),
                            localProperties.uiHost(),
                            history.embeddedPort(),
                            localProperties.workDir().resolve("history-server")))
                    .orElse(null);
            if (server == null) {
                log.warn("no local Spark found: the History Server is not started");
            }
        }
        String url = history.serverUrl() != null ? history.serverUrl() : server != null ? server.url() : null;
        local.withHistory(history.eventLogConf(), url);
        return new LocalHistory(server, url);
    }

    /** The embedded History Server (null when none runs here) and the base URL of the links. */
    public record LocalHistory(LocalHistoryServer server, String url) {

        void stop() {
            if (server != null) {
                server.stop();
            }
        }
    }
}
