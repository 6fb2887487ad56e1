package io.platyspark.aws.eks;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.aws.moto.MotoServer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A job run's life on EMR on EKS, against moto's emr-containers protocol. */
class EmrOnEksJobsMotoTest {

    private final EmrOnEksJobs jobs =
            new EmrOnEksJobs(MotoServer.get().clients().emrContainers());

    @Test
    void virtualClusterAndJobRunLifecycle() {
        String clusterId = jobs.createVirtualCluster("vc-" + UUID.randomUUID(), "eks-main", "spark-jobs");
        assertThat(jobs.describeVirtualCluster(clusterId).namespace()).isEqualTo("spark-jobs");
        assertThat(jobs.listVirtualClusters())
                .extracting(EmrOnEksJobs.VirtualClusterInfo::id)
                .contains(clusterId);

        String runId = jobs.startJobRun(new EmrOnEksJobs.JobRunSpec(
                "etl",
                clusterId,
                "arn:aws:iam::123456789012:role/emr-eks-job",
                "emr-7.5.0-latest",
                "s3://b/etl.py",
                List.of("--day", "1"),
                "--conf spark.executor.instances=2",
                Map.of("spark.executor.memory", "4g"),
                "platy-" + UUID.randomUUID()));
        EmrOnEksJobs.JobRunInfo started = jobs.describeJobRun(clusterId, runId);
        assertThat(started.name()).isEqualTo("etl");
        assertThat(started.finished()).isFalse();
        assertThat(jobs.listJobRuns(clusterId))
                .extracting(EmrOnEksJobs.JobRunInfo::id)
                .contains(runId);

        jobs.cancelJobRun(clusterId, runId);

        assertThat(jobs.describeJobRun(clusterId, runId).state()).isIn("CANCEL_PENDING", "CANCELLED");
    }
}
