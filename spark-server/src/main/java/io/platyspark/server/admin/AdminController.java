package io.platyspark.server.admin;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.security.ApiToken;
import io.platyspark.core.security.ApiTokenService;
import io.platyspark.core.security.AuditLog;
import io.platyspark.core.security.Caller;
import io.platyspark.core.security.LastAdminTokenException;
import io.platyspark.core.security.SecurityProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Admin-only: API tokens and the audit log (Spring Security admits only admin tokens to /api/v1/admin). */
@RestController
@RequestMapping("/api/v1/admin")
@Tag(name = "admin", description = "API tokens and the audit log; admin tokens only")
class AdminController {

    private final ApiTokenService tokens;
    private final AuditLog audit;
    private final SecurityProperties properties;

    AdminController(ApiTokenService tokens, AuditLog audit, SecurityProperties properties) {
        this.tokens = tokens;
        this.audit = audit;
        this.properties = properties;
    }

    /** The body of {@code POST /api/v1/admin/tokens}. */
    record NewTokenRequest(
            @NotBlank(message = "is required: a name for the token, e.g. \"airflow-data\"")
            @Size(max = 64, message = "must be at most 64 characters")
            @Pattern(regexp = "[a-z0-9][a-z0-9._-]*", message = "must be lower-case letters, digits, '.', '_' or '-'")
            String name,

            @Size(max = 63, message = "must be at most 63 characters")
            @Pattern(regexp = "[a-z0-9][a-z0-9_-]*", message = "must be lower-case letters, digits, '-' or '_'")
            String team,

            Boolean admin,

            @Min(value = 1, message = "must be at least 1 day")
            Integer ttlDays) {}

    record TokenResponse(
            UUID id,
            String name,
            String team,
            boolean admin,
            Instant createdAt,
            String createdBy,
            Instant expiresAt,
            Instant revokedAt,
            String token) {

        static TokenResponse of(ApiToken t, String secret) {
            return new TokenResponse(
                    t.id(),
                    t.name(),
                    t.team(),
                    t.admin(),
                    t.createdAt(),
                    t.createdBy(),
                    t.expiresAt(),
                    t.revokedAt(),
                    secret);
        }
    }

    @PostMapping("/tokens")
    @Operation(
            summary = "Issue a token",
            description = "For a team (or an admin token without one). The token is "
                    + "in this response only; the platform keeps just its hash.")
    ResponseEntity<TokenResponse> issue(@Valid @RequestBody NewTokenRequest request, Caller caller) {
        boolean admin = Boolean.TRUE.equals(request.admin());
        if (!admin && request.team() == null) {
            throw new InvalidFieldException("team", "is required for a token that is not an admin token");
        }
        Duration ttl = request.ttlDays() == null ? properties.defaultTokenTtl() : Duration.ofDays(request.ttlDays());
        if (ttl.compareTo(properties.maxTokenTtl()) > 0) {
            throw new InvalidFieldException(
                    "ttlDays",
                    "must be at most " + properties.maxTokenTtl().toDays() + " days (platy.security.max-token-ttl)");
        }
        ApiTokenService.IssuedToken issued = tokens.issue(request.name(), request.team(), admin, ttl, caller.subject());
        return ResponseEntity.status(HttpStatus.CREATED).body(TokenResponse.of(issued.token(), issued.secret()));
    }

    @GetMapping("/tokens")
    @Operation(summary = "List tokens (never their secrets)")
    List<TokenResponse> list() {
        return tokens.list().stream().map(t -> TokenResponse.of(t, null)).toList();
    }

    @DeleteMapping("/tokens/{id}")
    @Operation(
            summary = "Revoke a token",
            description = "It stops working at once. The last usable admin token "
                    + "cannot be revoked (409): issue another admin token first.")
    ResponseEntity<Void> revoke(@PathVariable UUID id) {
        switch (tokens.revoke(id)) {
            case NOT_FOUND ->
                throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no unrevoked token with id " + id);
            case LAST_ADMIN -> throw new LastAdminTokenException(id);
            case REVOKED -> {}
        }
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/audit")
    @Operation(
            summary = "The audit log, newest first",
            description = "Page backwards with before=<id of the " + "last entry seen>.")
    List<AuditLog.Entry> audit(
            @RequestParam(required = false) Long before,
            @RequestParam(defaultValue = "100")
                    @Min(value = 1, message = "must be at least 1")
                    @Max(value = 1000, message = "must be at most 1000")
                    int limit) {
        return audit.list(before, limit);
    }
}
