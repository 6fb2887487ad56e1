package io.platyspark.core.security;

import io.platyspark.core.SecretRedactor;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A place an app reads code or files from, in the one spelling every rule and the backend see: percent-decoded,
 * without {@code .}, {@code ..} or {@code //}, a local file by its real path. Made by {@link LocationCanonicalizer}.
 *
 * @param field     the request field that named it ({@code source}, {@code pyFiles[1]}, {@code sparkConf[spark.jars]})
 * @param scheme    {@code file} for a file on the server, else {@code s3}, {@code s3a}, {@code s3n} or {@code hdfs}
 * @param authority the bucket or name node as written (user info included), null for files and {@code hdfs:///}
 * @param path      the decoded, normalised absolute path (for a file: its real path)
 * @param alias     an archive's {@code #alias} (Spark settings only), or null
 * @param asUri     whether a file was given as a {@code file:} URI (and is written back as one) or as a plain path
 */
public record CanonicalLocation(
        String field, String scheme, String authority, String path, String alias, boolean asUri) {

    public boolean isFile() {
        return scheme.equals("file");
    }

    /** The bucket of an S3 location: the authority without user info. */
    public String bucket() {
        if (authority == null) {
            return null;
        }
        int at = authority.lastIndexOf('@');
        return at < 0 ? authority : authority.substring(at + 1);
    }

    /** The canonical spelling, stored and handed to the backend; reading it again gives the same location. */
    public String value() {
        String suffix = alias == null ? "" : "#" + alias;
        if (isFile() && !asUri) {
            return path + suffix;
        }
        String encodedPath;
        try {
            encodedPath = new URI(null, null, path, null).getRawPath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("a canonical path is always encodable: " + path, e);
        }
        return isFile()
                ? "file:" + encodedPath + suffix
                : scheme + "://" + (authority == null ? "" : authority) + encodedPath + suffix;
    }

    @Override
    public String toString() {
        return field + "=" + SecretRedactor.redactLocation(value());
    }
}
