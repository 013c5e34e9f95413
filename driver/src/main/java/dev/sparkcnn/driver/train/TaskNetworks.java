package dev.sparkcnn.driver.train;

import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executor-side pool of networks: a task borrows one for its duration and gives it back, so an
 * executor builds at most as many networks as it runs tasks at once, whichever of Spark's task
 * threads runs them (building a network costs far more than a round). Broadcast state is loaded
 * into the borrowed network; networks are never shipped.
 */
public final class TaskNetworks {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");
    private static final Deque<Network> IDLE = new ArrayDeque<>();
    private static final AtomicBoolean DESCRIBED = new AtomicBoolean();
    private static final AtomicInteger BUILT = new AtomicInteger();

    private TaskNetworks() {
    }

    /** A borrowed network; closing the lease returns it to the pool. */
    public static final class Lease implements AutoCloseable {
        private final Network network;

        private Lease(Network network) {
            this.network = network;
        }

        public Network network() {
            return network;
        }

        @Override
        public void close() {
            synchronized (IDLE) {
                IDLE.push(network);
            }
        }
    }

    /** Borrows a network for inference (evaluation, prediction): no random draws. */
    public static Lease borrow(TrainingRun run) {
        return borrow(run, 0);
    }

    /**
     * Borrows a network for this run, with the calling task thread's native threads set and its
     * random draws (dropout masks) keyed to data partition {@code partition}.
     */
    public static Lease borrow(TrainingRun run, int partition) {
        NativeRuntime.configureThreads(run.threadsPerTask());
        Network network = take(run);
        network.partition(partition);
        return new Lease(network);
    }

    /** Networks built in this JVM so far (tests check that the pool bounds it). */
    public static int built() {
        return BUILT.get();
    }

    private static Network take(TrainingRun run) {
        ModelSpec spec = run.spec();
        String engine = run.engine();
        synchronized (IDLE) {
            for (Network n : IDLE) {
                if (n.spec().equals(spec) && n.engine().equals(engine)) {
                    IDLE.remove(n);
                    return n;
                }
            }
            // another model now: free what the old one held
            IDLE.forEach(Network::close);
            IDLE.clear();
        }
        Network net = NetworkFactory.create(spec, engine);
        BUILT.incrementAndGet();
        if (DESCRIBED.compareAndSet(false, true)) {
            // once per executor JVM: which engine and native kernels its tasks really use
            LOG.info("executor {}: engine {} ({}); {}", executorId(), engine,
                    NetworkFactory.describeThreads(engine, spec, run.batchSize(), run.threadsPerTask()), NativeRuntime.describe());
        }
        return net;
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env != null ? env.executorId() : "(no Spark)";
    }
}
