package io.platyspark.client.cli;

import io.platyspark.client.Model;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tokens", description = "Issue, list and revoke API tokens (admin).")
final class TokensCommand extends PlatyCli.Sub {

    @Command(name = "create", description = "Issues a token; it is shown this once.")
    int create(
            @Parameters(paramLabel = "NAME", description = "a name to know the token by") String name,
            @Option(names = "--team", description = "the team the token acts for") String team,
            @Option(names = "--admin", description = "an admin token (acts for any team)") boolean admin,
            @Option(names = "--ttl-days", description = "days until it expires (default: the server's)")
                    Integer ttlDays) {
        Model.Token token = root.client().createToken(name, team, admin, ttlDays);
        if (root.jsonOutput()) {
            root.printJson(token);
        } else {
            root.out()
                    .println("token " + token.id() + " for " + (token.admin() ? "admin" : "team " + token.team())
                            + ", expires " + token.expiresAt());
            root.out().println(token.token());
            root.out().println("(shown once: store it now)");
        }
        root.out().flush();
        return 0;
    }

    @Command(name = "list", description = "Tokens, never their values.")
    int list() {
        List<Model.Token> tokens = root.client().tokens();
        if (root.jsonOutput()) {
            root.printJson(tokens);
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "NAME", "TEAM", "ADMIN", "EXPIRES", "REVOKED"});
        tokens.forEach(t -> rows.add(new String[] {
            t.id(),
            t.name(),
            t.team(),
            String.valueOf(t.admin()),
            String.valueOf(t.expiresAt()),
            t.revokedAt() == null ? null : t.revokedAt().toString()
        }));
        root.out().print(PlatyCli.table(rows));
        root.out().flush();
        return 0;
    }

    @Command(name = "revoke", description = "Revokes a token; it stops working at once.")
    int revoke(@Parameters(paramLabel = "TOKEN_ID", description = "the token's id (tokens list)") String id) {
        root.client().revokeToken(id);
        root.out().println("revoked " + id);
        root.out().flush();
        return 0;
    }
}
