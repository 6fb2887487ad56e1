package io.platyspark.core.reconcile;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/** Runs the {@link AppReconciler} on a fixed delay on one thread of its own. */
public class ReconcileRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReconcileRunner.class);

    private final AppReconciler reconciler;
    private final ReconcileProperties properties;
    private volatile ScheduledExecutorService executor;

    public ReconcileRunner(AppReconciler reconciler, ReconcileProperties properties) {
        this.reconciler = reconciler;
        this.properties = properties;
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "platy-reconcile");
            t.setDaemon(true);
            return t;
        });
        long delay = properties.interval().toMillis();
        executor.scheduleWithFixedDelay(this::cycle, delay, delay, TimeUnit.MILLISECONDS);
        log.info("app reconciler started, every {}", properties.interval());
    }

    private void cycle() {
        try {
            AppReconciler.Result result = reconciler.reconcileOnce();
            if (result.changed() > 0 || result.backendErrors() > 0) {
                log.debug("reconcile cycle: {}", result);
            }
        } catch (RuntimeException e) {
            log.warn("reconcile cycle failed: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService current = executor;
        if (current != null) {
            current.shutdown();
            try {
                current.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        executor = null;
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
