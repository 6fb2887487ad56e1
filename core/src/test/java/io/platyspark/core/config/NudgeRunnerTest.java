package io.platyspark.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.schedule.SpacedTask;
import io.platyspark.core.submit.SubmissionRunner;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

class NudgeRunnerTest {

    private final StaticListableBeanFactory beans = new StaticListableBeanFactory();
    private final ObjectProvider<SubmissionRunner> noRunner = beans.getBeanProvider(SubmissionRunner.class);

    @Test
    void aNewClusterMakesTheProvisionersNextPassRunWhateverItsSpacing() {
        AtomicInteger passes = new AtomicInteger();
        SpacedTask pass = new SpacedTask(Duration.ofHours(1), passes::incrementAndGet);
        beans.addBean("provisioningPass", pass);
        pass.getAsInt();
        assertThat(pass.getAsInt()).as("within the spacing").isZero();

        new PlatyCoreAutoConfiguration.NudgeRunner(noRunner, beans.getBeanProvider(SpacedTask.class)).run();

        assertThat(pass.getAsInt()).isEqualTo(2);
        assertThat(passes).hasValue(2);
    }
}
