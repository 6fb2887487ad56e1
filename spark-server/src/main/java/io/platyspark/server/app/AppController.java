package io.platyspark.server.app;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.app.AppPage;
import io.platyspark.core.app.AppQuery;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.NewSparkApp;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.security.AuditLog;
import io.platyspark.core.security.Caller;
import io.platyspark.core.service.AppService;
import io.platyspark.core.service.SubmitValidation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

@RestController
@RequestMapping("/api/v1/apps")
@Tag(name = "apps", description = "Submit Spark apps and follow them to the end")
class AppController {

    private final AppService apps;

    private final AppViews views;
    private final JsonMapper json;
    private final AuditLog audit;

    AppController(AppService apps, AppViews views, JsonMapper json, AuditLog audit) {
        this.audit = audit;
        this.apps = apps;
        this.views = views;
        this.json = json;
    }

    @PostMapping
    @Operation(
            summary = "Submit an app",
            description = "Validates and stores the app as PENDING and returns at "
                    + "once (202); the submission worker takes it to its cluster. With an Idempotency-Key, repeating the "
                    + "same request returns the first app (200) instead of creating a second one. Without `team`, the "
                    + "token's team is used.")
    ResponseEntity<AppResponse> submit(
            @Valid @RequestBody SubmitAppRequest request,
            Caller caller,
            @Parameter(description = "Makes retries safe: one app per key and team")
                    @RequestHeader(name = "Idempotency-Key", required = false)
                    String idempotencyKey,
            HttpServletRequest http) {
        // Every rule of a submit is core's SubmitValidation, which AppService.submit applies; the form of the key
        // and the source is told before a missing team, as the first thing a caller gets wrong.
        SubmitValidation.checkForm(idempotencyKey, request.source(), request.mainClass());
        String team = SubmitValidation.team(request.team(), caller);
        NewSparkApp app = new NewSparkApp(
                request.name(),
                team,
                request.cluster(),
                null,
                request.source(),
                request.mainClass(),
                request.args(),
                request.sparkConf(),
                idempotencyKey,
                MDC.get("requestId"),
                request.pyFiles(),
                request.requirements(),
                request.pythonVersion());
        // The audit row of a new app is written in the app's own transaction: one commit per submit, and never an
        // app without its record. Replays and refusals are recorded by the audit filter, as every other call.
        // The callback may run on another request's thread (a team's submits are stored a group at a time), so it
        // reads nothing of its own thread.
        boolean[] audited = {false};
        String method = http.getMethod();
        String path = http.getRequestURI();
        SparkAppStore.CreateResult result = apps.submit(caller, app, clusterConfigJson(request), created -> {
            audit.record(caller, method, path, HttpStatus.ACCEPTED.value(), app.requestId());
            audited[0] = true;
        });
        if (audited[0]) {
            http.setAttribute(AuditLog.RECORDED, Boolean.TRUE);
        }
        AppResponse body = views.of(result.app());
        return ResponseEntity.status(result.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
                .location(URI.create("/api/v1/apps/" + result.app().id()))
                .body(body);
    }

    private String clusterConfigJson(SubmitAppRequest request) {
        return request.clusterConfig() == null ? null : json.writeValueAsString(request.clusterConfig());
    }

    @GetMapping
    @Operation(
            summary = "List apps",
            description = "Newest first, filtered by cluster, team and states, paged "
                    + "with the cursor of the previous page.")
    AppListResponse list(
            Caller caller,
            @RequestParam(required = false) String cluster,
            @RequestParam(required = false) String team,
            @Parameter(description = "One or more states; repeat the parameter or separate with commas")
                    @RequestParam(required = false)
                    List<String> state,
            @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "50")
                    @Min(value = 1, message = "must be at least 1")
                    @Max(value = AppQuery.MAX_LIMIT, message = "must be at most " + AppQuery.MAX_LIMIT)
                    int limit) {
        AppPage page = apps.list(caller, new AppQuery(cluster, team, parseStates(state), cursor, limit));
        return new AppListResponse(page.items().stream().map(views::of).toList(), page.nextCursor());
    }

    private static Set<AppState> parseStates(List<String> values) {
        if (values == null) {
            return Set.of();
        }
        Set<AppState> states = EnumSet.noneOf(AppState.class);
        for (String value : values) {
            try {
                states.add(AppState.valueOf(value.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException(
                        "state", "'" + value + "' is not a state; use one of " + Arrays.toString(AppState.values()));
            }
        }
        return states;
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get an app")
    AppResponse get(@PathVariable UUID id, Caller caller) {
        return views.of(apps.get(caller, id));
    }

    @GetMapping("/{id}/events")
    @Operation(summary = "An app's state changes, oldest first")
    List<EventResponse> events(@PathVariable UUID id, Caller caller) {
        SparkApp app = apps.get(caller, id);
        return apps.events(caller, id).stream()
                .map(e -> EventResponse.of(e, app.sparkConf()))
                .toList();
    }

    @GetMapping("/{id}/logs")
    @Operation(
            summary = "Page an app's output",
            description = "Lines are marked stdout, stderr or diagnostics. "
                    + "Start at from=0 and continue at nextFrom; a negative from returns the last `size` lines.")
    LogsResponse logs(
            @PathVariable UUID id,
            Caller caller,
            @RequestParam(defaultValue = "0") int from,
            @RequestParam(defaultValue = "100")
                    @Min(value = 1, message = "must be at least 1")
                    @Max(value = 1000, message = "must be at most 1000")
                    int size) {
        return LogsResponse.of(id, apps.logs(caller, id, from, size));
    }

    @DeleteMapping("/{id}")
    @Operation(
            summary = "Kill an app",
            description =
                    "Stops the app on its backend and records it as KILLED. " + "409 when the app had already ended.")
    AppResponse kill(@PathVariable UUID id, Caller caller) {
        return views.of(apps.kill(caller, id));
    }
}
