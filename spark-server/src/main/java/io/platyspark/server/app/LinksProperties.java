package io.platyspark.server.app;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Links the API adds to each app.
 *
 * @param appDashboard a dashboard URL template per app, with {@code {appId}}, {@code {team}} and {@code {cluster}}
 *                     filled in (URL-encoded), e.g. a Grafana dashboard with those variables; none when unset
 */
@Validated
@ConfigurationProperties("platy.links")
public record LinksProperties(String appDashboard) {}
