package io.platyspark.livy;

import java.util.List;

/**
 * A Livy batch as the server reports it.
 *
 * @param appId the YARN application id once Livy has found it (null in local mode)
 * @param log   the last lines Livy returns with the batch (up to 10)
 */
public record Batch(
        long id,
        String name,
        String owner,
        String proxyUser,
        BatchState state,
        String appId,
        AppInfo appInfo,
        List<String> log) {

    public Batch {
        appInfo = appInfo == null ? AppInfo.EMPTY : appInfo;
        log = log == null ? List.of() : List.copyOf(log);
        state = state == null ? BatchState.UNKNOWN : state;
    }
}
