package io.platyspark.core.quota;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * YARN's fair-scheduler allocations from the quota table: each team with quotas of its own gets its queue with
 * {@code share} as weight and {@code maxQueuePercent} as its largest share of the cluster; other teams' queues
 * (made on first use) get the default maximum. The fair scheduler rereads the file every 10 s.
 */
public final class YarnAllocations {

    private YarnAllocations() {}

    /** The allocations file for these teams. */
    public static String xml(List<TeamQuota> teams, int defaultMaxPercent, String queuePrefix) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<allocations>\n");
        xml.append("  <queueMaxResourcesDefault>").append(defaultMaxPercent).append(".0%</queueMaxResourcesDefault>\n");
        // A queue prefix such as "root.teams." nests every team's queue under one parent.
        String prefix = queuePrefix.startsWith("root.") ? queuePrefix.substring("root.".length()) : queuePrefix;
        List<String> parents = prefix.isEmpty() ? List.of() : List.of(prefix.split("\\."));
        String indent = "  ";
        for (String parent : parents) {
            xml.append(indent).append("<queue name=\"").append(parent).append("\" type=\"parent\">\n");
            indent += "  ";
        }
        Map<String, TeamQuota> sorted = new TreeMap<>();
        teams.forEach(t -> sorted.put(t.team(), t));
        for (TeamQuota team : sorted.values()) {
            xml.append(indent)
                    .append("<queue name=\"")
                    .append(team.team())
                    .append("\">\n")
                    .append(indent)
                    .append("  <weight>")
                    .append(team.share())
                    .append(".0</weight>\n")
                    .append(indent)
                    .append("  <maxResources>")
                    .append(team.maxQueuePercent())
                    .append(".0%</maxResources>\n")
                    .append(indent)
                    .append("</queue>\n");
        }
        for (int i = parents.size() - 1; i >= 0; i--) {
            indent = indent.substring(2);
            xml.append(indent).append("</queue>\n");
        }
        return xml.append("</allocations>\n").toString();
    }
}
