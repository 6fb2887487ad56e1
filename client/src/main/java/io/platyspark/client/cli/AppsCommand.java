package io.platyspark.client.cli;

import io.platyspark.client.Model;
import io.platyspark.client.PlatyClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "apps", description = "List, inspect, read the logs of and kill apps.")
final class AppsCommand extends PlatyCli.Sub {

    @Command(name = "list", description = "Apps newest first.")
    int list(
            @Option(names = "--cluster", description = "only apps on this cluster") String cluster,
            @Option(names = "--team", description = "only this team's apps (admins; a team sees its own)") String team,
            @Option(names = "--state", split = ",", description = "only these states, e.g. RUNNING,FAILED")
                    List<String> states,
            @Option(names = "--limit", defaultValue = "50", description = "at most this many (default 50)") int limit) {
        Model.AppPage page = root.client().apps(cluster, team, states, limit, null);
        if (root.jsonOutput()) {
            root.printJson(page);
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "NAME", "TEAM", "CLUSTER", "STATE", "CREATED"});
        page.items().forEach(a -> rows.add(PlatyCli.appRow(a)));
        root.out().print(PlatyCli.table(rows));
        root.out().flush();
        return 0;
    }

    @Command(name = "get", description = "One app: state, reason, links, metrics.")
    int get(@Parameters(paramLabel = "APP_ID", description = "the app's id") String id) {
        Model.App app = root.client().app(id);
        if (root.jsonOutput()) {
            root.printJson(app);
        } else {
            RunCommand.describe(root.out(), app);
        }
        return 0;
    }

    @Command(name = "logs", description = "The app's output, each line marked with its stream.")
    int logs(
            @Parameters(paramLabel = "APP_ID", description = "the app's id") String id,
            @Option(names = "--stream", description = "only stdout, stderr or diagnostics") String stream) {
        PlatyClient.LogFollower follower = new PlatyClient.LogFollower(root.client(), id);
        for (Model.LogLine line : follower.poll()) {
            if (stream == null || stream.equalsIgnoreCase(line.stream())) {
                root.out().println(line.stream() + ": " + line.text());
            }
        }
        root.out().flush();
        return 0;
    }

    @Command(name = "kill", description = "Stops the app and records it KILLED.")
    int kill(@Parameters(paramLabel = "APP_ID", description = "the app's id") String id) {
        Model.App app = root.client().kill(id);
        root.out().println("app " + app.id() + " " + app.state());
        root.out().flush();
        return 0;
    }
}
