package io.platyspark.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.backend.local.LocalSparkProperties;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.NewSparkApp;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.reconcile.ReconcileProperties;
import io.platyspark.core.schedule.FixedDelayRunner;
import io.platyspark.core.submit.SubmissionRunner;
import io.platyspark.core.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The watchdog as its own process: it reconciles what another process submitted (here a local app whose exit
 * record is on disk) and submits nothing itself.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "platy.reconcile.interval=200ms",
            "platy.reconcile.lost-after=3m",
            // A watchdog beside a local-mode server on one machine: it reads the local runs' records.
            "platy.local.enabled=true"
        })
class WatchdogApplicationTest {

    @TempDir
    static Path workDir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        registry.add("platy.local.work-dir", workDir::toString);
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    SparkAppStore apps;

    @Test
    void reconcilesAppsAndSubmitsNothing() throws Exception {
        assertThat(context.getBean("reconcileRunner", FixedDelayRunner.class).isRunning())
                .isTrue();
        assertThat(context.getBeansOfType(SubmissionRunner.class)).isEmpty();
        ReconcileProperties settings = context.getBean(ReconcileProperties.class);
        assertThat(settings.interval()).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.lostAfter()).isEqualTo(Duration.ofMinutes(3));

        SparkApp app = apps.create(
                        new NewSparkApp(
                                "done-elsewhere",
                                "data",
                                "local",
                                "/apps/x.py",
                                null,
                                List.of(),
                                Map.of(),
                                null,
                                "req-1"),
                        "h")
                .app();
        apps.transition(
                app.id(),
                AppState.PENDING,
                AppTransition.to(AppState.RUNNING, null).withBackend("local", "1"));
        Path dir = Files.createDirectories(workDir.resolve(app.id().toString()));
        Files.writeString(dir.resolve("output.log"), "o\tall done\n");
        Files.writeString(dir.resolve("exit"), "0\n");

        await().atMost(Duration.ofSeconds(30))
                .until(() -> apps.find(app.id()).orElseThrow().state() == AppState.SUCCEEDED);
    }

    @Test
    void byItsOwnConfigurationItRunsTheReconcilerAndNothingElse() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));
        Properties own = yaml.getObject();

        assertThat(own)
                .containsEntry("platy.reconcile.enabled", true)
                .containsEntry("platy.submission.enabled", false)
                .containsEntry("platy.local.enabled", false);
        // And what a configuration leaves unsaid stays off: no local Spark backend by default.
        LocalSparkProperties unsaid = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("platy.local", LocalSparkProperties.class);
        assertThat(unsaid.enabled()).isFalse();
    }
}
