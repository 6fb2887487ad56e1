package io.platyspark.core.security;

import io.platyspark.core.InvalidFieldException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What sources and endpoints the platform may be pointed at. Local paths must resolve (symbolic links and all)
 * inside a configured root; S3 sources must be in an allowed bucket; Livy URLs must be on an allowed host or
 * network, so a caller cannot make the platform read arbitrary files or call arbitrary internal addresses.
 */
public final class SourcePolicy {

    private static final Set<String> S3_SCHEMES = Set.of("s3", "s3a", "s3n");
    /** Paths on the cluster's own storage; nothing the platform itself reads. */
    private static final Set<String> CLUSTER_SCHEMES = Set.of("hdfs", "local");

    private final List<Path> localRoots;
    private final Set<String> allowedBuckets;
    private final List<HostRule> livyHosts;

    public SourcePolicy(List<Path> localRoots, Set<String> allowedBuckets, List<String> allowedLivyHosts) {
        this.localRoots = localRoots.stream().map(SourcePolicy::real).toList();
        this.allowedBuckets = Set.copyOf(allowedBuckets);
        this.livyHosts = allowedLivyHosts.stream().map(HostRule::parse).toList();
    }

    /**
     * Spark settings that name files Spark fetches for the app: their entries are held to the same rules as the
     * app's source, or they would be a way around them.
     */
    private static final Set<String> FILE_CONF_KEYS = Set.of("spark.submit.pyFiles", "spark.jars", "spark.files",
            "spark.archives", "spark.yarn.dist.files", "spark.yarn.dist.archives", "spark.yarn.dist.jars",
            "spark.yarn.dist.pyFiles", "spark.yarn.jars", "spark.yarn.archive");

    /** A place an app reads code or files from, and the request field that named it. */
    public record Location(String field, String value) {
    }

    /**
     * Every place an app names: its source, its py-files and the entries of the {@link #FILE_CONF_KEYS} settings
     * in its Spark conf (field {@code sparkConf[<key>]}), so each is checked by the same rules.
     */
    public static List<Location> locations(String source, List<String> pyFiles, java.util.Map<String, String> conf) {
        List<Location> all = new java.util.ArrayList<>();
        all.add(new Location("source", source));
        for (int i = 0; i < pyFiles.size(); i++) {
            all.add(new Location("pyFiles[" + i + "]", pyFiles.get(i)));
        }
        new java.util.TreeMap<>(conf).forEach((key, value) -> {
            if (FILE_CONF_KEYS.contains(key) && value != null) {
                for (String entry : value.split(",")) {
                    String location = entry.strip();
                    // An archive may carry "#alias", the directory name it is unpacked under.
                    int alias = location.startsWith("/") ? location.indexOf('#') : -1;
                    if (!location.isEmpty()) {
                        all.add(new Location("sparkConf[" + key + "]",
                                alias < 0 ? location : location.substring(0, alias)));
                    }
                }
            }
        });
        return all;
    }

    /** Checks an app's source; returns it unchanged when allowed. */
    public String checkSource(String field, String source) {
        try {
            return checkSourceOrThrow(field, source);
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidFieldException(field, "'" + source + "' is not a valid path: " + e.getReason());
        }
    }

    private String checkSourceOrThrow(String field, String source) {
        if (source.startsWith("/")) {
            checkLocal(field, Path.of(source));
            return source;
        }
        URI uri;
        try {
            uri = new URI(source);
        } catch (URISyntaxException e) {
            throw new InvalidFieldException(field, "'" + source + "' is not a valid URI: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file")) {
            checkLocal(field, Path.of(uri.getPath() == null ? "" : uri.getPath()));
        } else if (S3_SCHEMES.contains(scheme)) {
            checkBucket(field, uri.getHost());
        } else if (!CLUSTER_SCHEMES.contains(scheme)) {
            throw new InvalidFieldException(field, "the scheme '" + scheme + ":' is not accepted; use an absolute "
                    + "path under an upload root, s3://<allowed bucket>/..., hdfs:// or local:");
        }
        return source;
    }

    public void checkBucket(String field, String bucket) {
        if (bucket == null || !allowedBuckets.contains(bucket)) {
            throw new InvalidFieldException(field, "bucket '" + bucket + "' is not allowed; allowed buckets: "
                    + (allowedBuckets.isEmpty() ? "none (set platy.security.allowed-buckets)" : allowedBuckets));
        }
    }

    private void checkLocal(String field, Path path) {
        Path normalized = path.toAbsolutePath().normalize();
        Path resolved = real(normalized);
        for (Path root : localRoots) {
            if (normalized.startsWith(root) && resolved.startsWith(root)) {
                return;
            }
        }
        throw new InvalidFieldException(field, "'" + path + "' is outside the upload roots "
                + (localRoots.isEmpty() ? "(none configured: set platy.security.local-source-roots)" : localRoots)
                + "; put the file under one of them or upload it to an allowed bucket");
    }

    /** Checks a Livy URL a cluster is registered with. */
    public URI checkLivyUrl(String field, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new InvalidFieldException(field, "'" + url + "' is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new InvalidFieldException(field, "must be an http:// or https:// URL with a host, e.g. "
                    + "http://emr-master.internal:8998");
        }
        if (uri.getUserInfo() != null) {
            throw new InvalidFieldException(field, "must not carry credentials; configure Livy authentication on "
                    + "the server instead");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        for (HostRule rule : livyHosts) {
            if (rule.matches(host)) {
                return uri;
            }
        }
        throw new InvalidFieldException(field, "host '" + host + "' is not allowed for Livy; allowed: "
                + (livyHosts.isEmpty() ? "none (set platy.security.allowed-livy-hosts)" : livyHosts));
    }

    private static Path real(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            return Files.exists(absolute) ? absolute.toRealPath() : absolute;
        } catch (IOException e) {
            return absolute;
        }
    }

    /** A host name, a {@code *.suffix} wildcard, or an IPv4/IPv6 CIDR block. */
    record HostRule(String pattern, byte[] network, int prefix) {

        static HostRule parse(String rule) {
            String r = rule.trim().toLowerCase(Locale.ROOT);
            int slash = r.indexOf('/');
            if (slash > 0) {
                try {
                    return new HostRule(r, InetAddress.getByName(r.substring(0, slash)).getAddress(),
                            Integer.parseInt(r.substring(slash + 1)));
                } catch (UnknownHostException | NumberFormatException e) {
                    throw new IllegalArgumentException("not a CIDR block: " + rule, e);
                }
            }
            return new HostRule(r, null, -1);
        }

        boolean matches(String host) {
            if (network == null) {
                return pattern.startsWith("*.") ? host.endsWith(pattern.substring(1)) : host.equals(pattern);
            }
            byte[] address = literalAddress(host);
            if (address == null || address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            return rest == 0 || ((address[full] ^ network[full]) & (0xff << (8 - rest))) == 0;
        }

        /** Only IP literals match a CIDR rule: a name is not resolved, so DNS cannot be used to slip past it. */
        private static byte[] literalAddress(String host) {
            String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            if (!h.matches("[0-9.]+") && !h.contains(":")) {
                return null;
            }
            try {
                return InetAddress.getByName(h).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return pattern;
        }
    }
}
