package io.platyspark.server.team;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.quota.JdbcTeamQuotas;
import io.platyspark.core.quota.QuotaUpdate;
import io.platyspark.core.quota.TeamQuota;
import io.platyspark.core.quota.TeamUsage;
import io.platyspark.core.quota.YarnAllocations;
import io.platyspark.core.security.Caller;
import io.platyspark.core.security.ForbiddenException;
import io.platyspark.core.security.SecurityProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A team's quotas and what it uses of them; admins set a team's own quotas. */
@RestController
@Tag(name = "teams", description = "Quotas per team and their usage")
class TeamController {

    private final JdbcTeamQuotas quotas;
    private final SecurityProperties security;

    TeamController(JdbcTeamQuotas quotas, SecurityProperties security) {
        this.quotas = quotas;
        this.security = security;
    }

    @GetMapping(path = "/api/v1/admin/teams/yarn-allocations", produces = "application/xml")
    @Operation(
            summary = "The fair-scheduler allocations file the quotas make: what a new shared cluster gets, and "
                    + "what to copy to a running one's master to apply a change (docs/operations.md)")
    String yarnAllocations() {
        return YarnAllocations.xml(
                quotas.customized(), quotas.defaults().maxQueuePercent(), security.yarnQueuePrefix());
    }

    @GetMapping("/api/v1/teams/{team}/usage")
    @Operation(
            summary = "What the team uses now against its quotas: active, running per cluster kind, queued, "
                    + "submits in the last minute, clusters")
    TeamUsage usage(@PathVariable String team, Caller caller) {
        check(caller, team);
        return quotas.usage(team);
    }

    @GetMapping("/api/v1/teams/{team}/quota")
    @Operation(summary = "The team's quotas as they apply (its own values, else the configured defaults)")
    TeamQuota quota(@PathVariable String team, Caller caller) {
        check(caller, team);
        return quotas.quota(team);
    }

    @PutMapping("/api/v1/admin/teams/{team}/quota")
    @Operation(
            summary = "Sets the team's own quotas; a null field falls back to the configured default. A new "
                    + "share or maxQueuePercent reaches shared clusters created after the change (docs/operations.md)")
    TeamQuota put(@PathVariable String team, @RequestBody QuotaUpdate update, Caller caller) {
        checkName(team);
        return quotas.put(team, update, caller.subject());
    }

    private static final java.util.regex.Pattern TEAM = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    /** Team names as tokens spell them (AdminController): anything else names no team. */
    private static void checkName(String team) {
        if (!TEAM.matcher(team).matches()) {
            throw new InvalidFieldException(
                    "team",
                    "must be 1-63 lower-case letters, digits, '-' or '_', starting " + "with a letter or digit");
        }
    }

    private static void check(Caller caller, String team) {
        checkName(team);
        if (!caller.mayAccess(team)) {
            throw new ForbiddenException(
                    "team", "you act for team '" + caller.team() + "' and cannot see team '" + team + "'");
        }
    }
}
