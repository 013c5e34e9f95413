package dev.sparkcnn.driver.train;

import dev.sparkcnn.kernels.ModelSpec;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executor-side cache: one network per task thread, built lazily on first use and reused by every
 * later task of the same model on that thread (building a network costs far more than a round).
 * Broadcast state is loaded into it; it is never shipped itself.
 */
public final class TaskNetworks {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");
    private static final ThreadLocal<Network> CURRENT = new ThreadLocal<>();
    private static final AtomicBoolean DESCRIBED = new AtomicBoolean();

    private TaskNetworks() {
    }

    /** The calling thread's network for this run, with native threads set for this task. */
    public static Network forTask(TrainingRun run) {
        NativeRuntime.configureThreads(run.threadsPerTask());
        return get(run.spec(), run.engine());
    }

    public static Network get(ModelSpec spec, String engine) {
        Network net = CURRENT.get();
        if (net != null && net.spec().equals(spec) && net.engine().equals(engine)) {
            return net;
        }
        if (net != null) {
            net.close();
        }
        net = NetworkFactory.create(spec, engine);
        CURRENT.set(net);
        if (DESCRIBED.compareAndSet(false, true)) {
            // once per executor JVM: which engine and native kernels its tasks really use
            LOG.info("executor {}: engine {}; {}", executorId(), engine, NativeRuntime.describe());
        }
        return net;
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env != null ? env.executorId() : "(no Spark)";
    }
}
