package io.platyspark.backend.aws.eks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.backend.aws.awsjobs.JobClusterConfig;
import io.platyspark.backend.aws.awsjobs.JobRunFixtures;
import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.cluster.ClusterConfigs;
import io.platyspark.core.cluster.ClusterKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An EKS cluster's config against the admin's policy: completed from it, or refused naming the field. */
class EksClusterConfigsTest {

    final EksClusterConfigs configs = new EksClusterConfigs(new EksProperties(
            true,
            "eks-main",
            "spark-",
            "emr-7.5.0-latest",
            List.of(),
            Map.of("data", List.of(JobRunFixtures.ROLE, "arn:aws:iam::1:role/b")),
            null,
            "s3://platy-logs/eks",
            List.of("team-logs")));

    @Test
    void anEmptyConfigBecomesAVirtualClusterInTheTeamsNamespaceWithThePolicysReleaseRoleAndLogs() {
        JobClusterConfig config = JobClusterConfig.stored(
                configs.validate("config", null, "Etl", "data").json());

        assertThat(config.eksCluster()).isEqualTo("eks-main");
        assertThat(config.namespace()).isEqualTo("spark-etl");
        assertThat(config.releaseLabel()).isEqualTo("emr-7.5.0-latest");
        assertThat(config.executionRoleArn()).isEqualTo(JobRunFixtures.ROLE);
        assertThat(config.logUri()).isEqualTo("s3://platy-logs/eks");
        assertThat(config.tags()).containsEntry("team", "data");
    }

    @Test
    void whatThePolicyDoesNotAllowIsRefusedNamingTheField() {
        assertThat(field("{\"executionRoleArn\":\"arn:aws:iam::1:role/admin\"}"))
                .isEqualTo("config.executionRoleArn");
        assertThat(field("{\"releaseLabel\":\"emr-6.2.0-latest\"}")).isEqualTo("config.releaseLabel");
        assertThat(field("{\"logUri\":\"s3://other/x\"}")).isEqualTo("config.logUri");
        assertThat(field("{\"logUri\":\"/tmp/logs\"}")).isEqualTo("config.logUri");
        assertThat(field("{\"eksCluster\":\"prod-critical\"}")).isEqualTo("config.eksCluster");
        assertThat(field("{\"namespace\":\"Not_A_Namespace\"}")).isEqualTo("config.namespace");
        assertThat(field("{\"virtualClusterId\":\"abc\",\"namespace\":\"x\"}")).isEqualTo("config.virtualClusterId");
        assertThat(field("{\"applicationId\":\"00f\"}")).isEqualTo("config.applicationId");
        assertThat(field("{\"virtualClusterID\":\"abc\"}")).isEqualTo("config.virtualClusterID");
        assertThat(field("{\"tags\":{\"team\":\"finance\"}}")).isEqualTo("config.tags.team");
        assertThat(field("{\"tags\":[1]}")).isEqualTo("config.tags");
        assertThatThrownBy(() -> configs.validate("config", null, "etl", "no-role-team"))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("no execution role");
    }

    @Test
    void aSecondRoleOfTheTeamAndALogBucketTheAdminAllowsAreKept() {
        JobClusterConfig config = JobClusterConfig.stored(configs.validate(
                        "config",
                        "{\"executionRoleArn\":" + "\"arn:aws:iam::1:role/b\",\"logUri\":\"s3://team-logs/etl\"}",
                        "etl",
                        "data")
                .json());

        assertThat(config.executionRoleArn()).isEqualTo("arn:aws:iam::1:role/b");
        assertThat(config.logUri()).isEqualTo("s3://team-logs/etl");
    }

    @Test
    void requestsAreRoutedToTheConfigsOfTheirKind() {
        ClusterConfigs routed = ClusterConfigs.byKind(List.of(configs), ClusterConfigs.NONE);

        assertThat(routed.validate(ClusterKind.EKS, "config", null, "etl", "data")
                        .json())
                .contains("eks-main");
        assertThatThrownBy(() -> routed.validate(ClusterKind.DEDICATED, "config", "{}", "etl", "data"))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("creates no clusters");
        assertThatThrownBy(() -> routed.validate(ClusterKind.SERVERLESS, "config", "{}", "etl", "data"))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("SERVERLESS clusters are not enabled on this server (platy.serverless.enabled)");
    }

    private String field(String json) {
        try {
            configs.validate("config", json, "etl", "data");
        } catch (InvalidFieldException e) {
            return e.field();
        }
        throw new AssertionError("accepted: " + json);
    }
}
