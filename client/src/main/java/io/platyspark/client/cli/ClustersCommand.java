package io.platyspark.client.cli;

import io.platyspark.client.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.type.TypeReference;

@Command(name = "clusters", description = "Create (get-or-create), list, inspect and terminate clusters.")
final class ClustersCommand extends PlatyCli.Sub {

    @Command(name = "list", description = "Active clusters you may use.")
    int list() {
        List<Model.Cluster> clusters = root.client().clusters();
        if (root.jsonOutput()) {
            root.printJson(clusters);
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "KIND", "TEAM", "STATE", "EXTERNAL ID", "LIVY"});
        clusters.forEach(
                c -> rows.add(new String[] {c.name(), c.kind(), c.team(), c.state(), c.externalId(), c.livyUrl()}));
        root.out().print(PlatyCli.table(rows));
        root.out().flush();
        return 0;
    }

    @Command(name = "get", description = "One cluster.")
    int get(@Parameters(paramLabel = "NAME", description = "the cluster's name") String name) {
        print(root.client().cluster(name));
        return 0;
    }

    @Command(name = "create", description = "Gets the active cluster by that name or creates it.")
    int create(
            @Parameters(paramLabel = "NAME", description = "the cluster's name") String name,
            @Option(
                            names = "--kind",
                            defaultValue = "DEDICATED",
                            description = "DEDICATED, DEV, SHARED, EKS or SERVERLESS")
                    String kind,
            @Option(names = "--team", description = "the owning team (default: the token's)") String team,
            @Option(names = "--config", description = "a ClusterConfig JSON file (EKS, SERVERLESS: their config)")
                    Path config,
            @Option(names = "--livy-url", description = "register an existing cluster by its Livy URL") String livy,
            @Option(
                            names = "--node-requirements",
                            description = "a requirements.txt installed on every node at "
                                    + "start-up (a bootstrap action the platform writes); needs --config")
                    Path nodeRequirements)
            throws IOException {
        if (nodeRequirements != null && config == null) {
            throw new PlatyCli.UsageException(
                    "--node-requirements needs --config: they become part of the " + "cluster's config");
        }
        Map<String, Object> body = config == null
                ? null
                : withNodeRequirements(readConfig(root, config), nodeRequirements, "--node-requirements");
        print(root.client().createCluster(name, kind, team, body, livy));
        return 0;
    }

    /**
     * The config with the requirement lines of {@code file} (comments and blank lines left out) as its
     * {@code pythonRequirements}, which the platform installs on every node with a bootstrap action.
     */
    static Map<String, Object> withNodeRequirements(Map<String, Object> config, Path file, String option)
            throws IOException {
        if (file == null) {
            return config;
        }
        RunCommand.requireFile(file, option);
        Map<String, Object> with = new java.util.LinkedHashMap<>(config);
        with.put(
                "pythonRequirements",
                Files.readAllLines(file).stream()
                        .map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .toList());
        return with;
    }

    @Command(name = "terminate", description = "Terminates a platform-made cluster or forgets a registered one.")
    int terminate(@Parameters(paramLabel = "NAME", description = "the cluster's name") String name) {
        print(root.client().terminateCluster(name));
        return 0;
    }

    static Map<String, Object> readConfig(PlatyCli root, Path file) throws IOException {
        RunCommand.requireFile(file, "cluster config");
        try {
            return root.json.readValue(Files.readString(file), new TypeReference<Map<String, Object>>() {});
        } catch (tools.jackson.core.JacksonException e) {
            throw new PlatyCli.UsageException(
                    file.toAbsolutePath() + " is not a ClusterConfig JSON object: " + e.getOriginalMessage());
        }
    }

    private void print(Model.Cluster c) {
        if (root.jsonOutput()) {
            root.printJson(c);
        } else {
            root.out()
                    .printf(
                            "%s  %s  team=%s  %s%s%s%n",
                            c.name(),
                            c.kind(),
                            c.team(),
                            c.state(),
                            c.stateReason() == null ? "" : " (" + c.stateReason() + ")",
                            c.livyUrl() == null ? "" : "  livy=" + c.livyUrl());
            root.out().flush();
        }
    }
}
