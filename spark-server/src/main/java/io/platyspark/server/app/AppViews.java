package io.platyspark.server.app;

import io.platyspark.core.app.SparkApp;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Turns stored apps into API responses, adding the per-app dashboard link from the
 * {@code platy.links.app-dashboard} template ({@code {appId}}, {@code {team}}, {@code {cluster}}).
 */
@Component
@EnableConfigurationProperties(LinksProperties.class)
class AppViews {

    private final String dashboardTemplate;

    AppViews(LinksProperties links) {
        this.dashboardTemplate = links.appDashboard();
    }

    AppResponse of(SparkApp app) {
        return AppResponse.of(app, dashboard(app));
    }

    private String dashboard(SparkApp app) {
        if (dashboardTemplate == null || dashboardTemplate.isBlank()) {
            return null;
        }
        return dashboardTemplate
                .replace("{appId}", app.id().toString())
                .replace("{team}", encode(app.team()))
                .replace("{cluster}", encode(app.clusterName()));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
