package io.platyspark.core.security;

import java.util.Objects;

/**
 * Who is calling: a team's token or service account, or an admin. Every read and write of apps and clusters is
 * decided against it.
 *
 * @param subject who, for logs and the audit (a token's name, a JWT's subject)
 * @param team    the team it acts for; null only for an admin without a team
 */
public record Caller(String subject, String team, boolean admin) {

    public Caller {
        Objects.requireNonNull(subject, "subject == null");
        if (!admin && (team == null || team.isBlank())) {
            throw new IllegalArgumentException("a caller that is not an admin must belong to a team");
        }
    }

    /** The platform acting on its own behalf (workers, reconcilers). */
    public static final Caller SYSTEM = new Caller("platyspark", null, true);

    /** May this caller see and act on the resources of {@code resourceTeam}? */
    public boolean mayAccess(String resourceTeam) {
        return admin || Objects.equals(team, resourceTeam);
    }
}
