package io.platyspark.core.security;

import io.platyspark.core.InvalidFieldException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
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

    private final List<Path> localRoots;
    private final Set<String> allowedBuckets;
    private final List<HostRule> livyHosts;

    public SourcePolicy(List<Path> localRoots, Set<String> allowedBuckets, List<String> allowedLivyHosts) {
        this.localRoots = localRoots.stream().map(SourcePolicy::real).toList();
        this.allowedBuckets = Set.copyOf(allowedBuckets);
        this.livyHosts = allowedLivyHosts.stream().map(HostRule::parse).toList();
    }

    /**
     * Checks a location given as written: canonicalised by {@link LocationCanonicalizer} first, so the checks see
     * what the backend will read. Returns the canonical spelling.
     */
    public String checkSource(String field, String source) {
        CanonicalLocation location = LocationCanonicalizer.canonical(field, source, false);
        check(location);
        return location.value();
    }

    /**
     * Checks a canonical location: a file must lie in an upload root (by its real path), an S3 object in an
     * allowed bucket; HDFS paths are on the cluster's own storage, nothing the platform itself reads.
     */
    public void check(CanonicalLocation location) {
        if (location.isFile()) {
            checkLocal(location.field(), Path.of(location.path()));
        } else if (S3_SCHEMES.contains(location.scheme())) {
            checkBucket(location.field(), location.bucket());
        } else if (!location.scheme().equals("hdfs")) {
            // The canonicaliser admits no other scheme; a new one must be given a rule here first.
            throw new InvalidFieldException(
                    location.field(), "the scheme '" + location.scheme() + ":' is not " + "accepted");
        }
    }

    public void checkBucket(String field, String bucket) {
        if (bucket == null || !allowedBuckets.contains(bucket)) {
            throw new InvalidFieldException(
                    field,
                    "bucket '" + bucket + "' is not allowed; allowed buckets: "
                            + (allowedBuckets.isEmpty()
                                    ? "none (set platy.security.allowed-buckets)"
                                    : allowedBuckets));
        }
    }

    private void checkLocal(String field, Path realPath) {
        for (Path root : localRoots) {
            if (realPath.startsWith(root)) {
                return;
            }
        }
        throw new InvalidFieldException(
                field,
                "'" + realPath + "' is outside the upload roots "
                        + (localRoots.isEmpty()
                                ? "(none configured: set platy.security.local-source-roots)"
                                : localRoots)
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
            throw new InvalidFieldException(
                    field, "must be an http:// or https:// URL with a host, e.g. " + "http://emr-master.internal:8998");
        }
        if (uri.getUserInfo() != null) {
            throw new InvalidFieldException(
                    field, "must not carry credentials; configure Livy authentication on " + "the server instead");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        for (HostRule rule : livyHosts) {
            if (rule.matches(host)) {
                return uri;
            }
        }
        throw new InvalidFieldException(
                field,
                "host '" + host + "' is not allowed for Livy; allowed: "
                        + (livyHosts.isEmpty() ? "none (set platy.security.allowed-livy-hosts)" : livyHosts));
    }

    /**
     * A Spark standalone master URL ({@code spark://host:port}) to register, under the same host allow-list as
     * Livy URLs ({@code platy.security.allowed-livy-hosts}): the server connects to it and ships code to it.
     */
    public URI checkSparkMasterUrl(String field, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new InvalidFieldException(field, "'" + url + "' is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("spark")
                || uri.getHost() == null
                || uri.getPort() < 0
                || uri.getUserInfo() != null
                || !(uri.getPath() == null || uri.getPath().isEmpty())) {
            throw new InvalidFieldException(
                    field,
                    "must be a Spark standalone master URL, spark://host:port, e.g. "
                            + "spark://spark-master.internal:7077");
        }
        // The host rules are Livy's: one allow-list for the clusters this server may be pointed at.
        checkLivyUrl(field, "http://" + uri.getHost() + ":" + uri.getPort());
        return uri;
    }

    private static Path real(Path path) {
        return LocationCanonicalizer.realPath(path.toAbsolutePath().normalize());
    }

    /** A host name, a {@code *.suffix} wildcard, or an IPv4/IPv6 CIDR block. */
    record HostRule(String pattern, byte[] network, int prefix) {

        static HostRule parse(String rule) {
            String r = rule.trim().toLowerCase(Locale.ROOT);
            int slash = r.indexOf('/');
            if (slash > 0) {
                try {
                    return new HostRule(
                            r,
                            InetAddress.getByName(r.substring(0, slash)).getAddress(),
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
