package io.platyspark.server.app;

import io.platyspark.core.app.AppQuery;
import io.platyspark.core.security.Caller;
import io.platyspark.core.service.AppService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The PlatySpark-compatible {@code GET /list_apps?cluster_name=}, the same listing as {@code /api/v1/apps}. */
@RestController
@Tag(name = "compat", description = "Endpoints kept for PlatySpark's existing callers")
class ListAppsCompatController {

    private final AppService apps;

    private final AppViews views;

    ListAppsCompatController(AppService apps, AppViews views) {
        this.apps = apps;
        this.views = views;
    }

    @GetMapping("/list_apps")
    @Operation(summary = "List a cluster's apps (PlatySpark alias of GET /api/v1/apps?cluster=)")
    AppListResponse listApps(
            Caller caller,
            @RequestParam("cluster_name") String clusterName,
            @RequestParam(required = false) String cursor) {
        var page = apps.list(caller, new AppQuery(clusterName, null, Set.of(), cursor, AppQuery.MAX_LIMIT));
        return new AppListResponse(page.items().stream().map(views::of).toList(), page.nextCursor());
    }
}
