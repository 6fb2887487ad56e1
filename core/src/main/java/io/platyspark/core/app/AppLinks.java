package io.platyspark.core.app;

/**
 * Where a person looks at a running or finished app. Any of them may be null until the backend knows it.
 *
 * @param sparkUiUrl   the Spark UI (or YARN's proxy to it, or the history server once finished)
 * @param driverLogUrl the driver's log as the cluster serves it
 * @param logUri       where the logs are archived, e.g. an S3 prefix
 */
public record AppLinks(String sparkUiUrl, String driverLogUrl, String logUri) {

    public static final AppLinks NONE = new AppLinks(null, null, null);

    /** This link set with the other's non-null links laid over it. */
    public AppLinks merge(AppLinks newer) {
        if (newer == null) {
            return this;
        }
        return new AppLinks(
                newer.sparkUiUrl != null ? newer.sparkUiUrl : sparkUiUrl,
                newer.driverLogUrl != null ? newer.driverLogUrl : driverLogUrl,
                newer.logUri != null ? newer.logUri : logUri);
    }
}
