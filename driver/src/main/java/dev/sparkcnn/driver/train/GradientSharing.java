package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.driver.metrics.JobLabels;
import dev.sparkcnn.driver.spark.RoundBroadcasts;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.TrainResult;
import dev.sparkcnn.kernels.sync.Exchange;
import dev.sparkcnn.kernels.sync.Rendezvous;
import dev.sparkcnn.kernels.sync.RunSecret;
import dev.sparkcnn.kernels.sync.SyncResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Gradient sharing (synchronous data parallelism): every partition is a replica; all replicas take
 * each step together and apply the same combined update, so training behaves like one process
 * with the summed batch. One round is one epoch, run as one Spark barrier stage (all tasks start
 * together, and if one fails Spark retries the whole stage from the round's broadcast state);
 * inside it the tasks exchange over direct connections ({@link SyncRound}), after meeting at a
 * {@link Rendezvous} server this driver runs for the duration of the fit.
 *
 * <p>With {@link Exchange#AVERAGE} the same machinery runs parameter averaging (strategy
 * {@code allreduce-averaging}): K local steps, then the all-reduced example-weighted mean of the
 * replicas' parameters and optimizer states, with no Spark job per average.
 *
 * <p>Needs as many free task slots as partitions at once (Spark refuses the stage otherwise).
 */
public final class GradientSharing implements TrainingStrategy {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");

    private final Exchange.Options options;

    public GradientSharing(Exchange.Options options) {
        this.options = options;
    }

    /** One round is one epoch. */
    @Override
    public int roundsPerEpoch(TrainingRun run, long largestPartition) {
        return 1;
    }

    @Override
    public TrainingResult fit(JavaSparkContext sc, JavaRDD<ImageRecord> train, long largestPartition,
                              TrainingStart start, TrainingRun run, RoundListener listener) {
        TrainingStrategy.checkStart(start, run.epochs());
        int steps = (int) Math.max(1, (largestPartition + run.batchSize() - 1) / run.batchSize());
        FaultInjection faults = FaultInjection.from(sc.getConf());
        RoundBroadcasts<ModelState> broadcasts = new RoundBroadcasts<>(sc);
        ClassTag<SyncResult> tag = ClassTag$.MODULE$.apply(SyncResult.class);
        ModelState state = start.state();
        List<RoundStats> history = new ArrayList<>(start.history());
        RunSecret secret = runSecret(sc.getConf());
        String driverHost = sc.getConf().get("spark.driver.host");
        String bindHost = sc.getConf().get("spark.driver.bindAddress", driverHost);
        Rendezvous.Server rendezvous;
        try {
            rendezvous = Rendezvous.Server.open(bindHost, secret);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        InetSocketAddress rendezvousAddress = InetSocketAddress.createUnresolved(driverHost, rendezvous.port());
        try {
            for (int epoch = history.size(); epoch < run.epochs(); epoch++) {
                state = round(sc, train, run, epoch, steps, state, history, broadcasts, tag, faults, listener,
                        rendezvousAddress, secret);
            }
        } finally {
            rendezvous.close();
        }
        broadcasts.release();
        return new TrainingResult(state, List.copyOf(history));
    }

    private ModelState round(JavaSparkContext sc, JavaRDD<ImageRecord> train, TrainingRun run, int epoch, int steps,
                             ModelState state, List<RoundStats> history, RoundBroadcasts<ModelState> broadcasts,
                             ClassTag<SyncResult> tag, FaultInjection faults, RoundListener listener,
                             InetSocketAddress rendezvous, RunSecret secret) {
        long t0 = System.nanoTime();
        Broadcast<ModelState> current = broadcasts.next(state);
        int round = history.size() + 1;
        JobLabels.round(sc, JobLabels.barrierStrategy(options), round, epoch + 1, options.averageEvery());
        RDD<SyncResult> stage = train.rdd().barrier().mapPartitions(
                new SyncRound(run, current, epoch, round, steps, secret, options, faults, rendezvous), false, tag);
        // The shuffle makes the barrier stage a shuffle-map stage: Spark retries a failed one as a
        // whole, while a failed barrier result stage would abort the job.
        List<SyncResult> replicas = new ArrayList<>(stage.toJavaRDD().repartition(1).collect());
        replicas.sort(java.util.Comparator.comparingInt(SyncResult::rank));
        WeightedSum sum = combine(replicas, round);
        state = sum.average();
        long paramBytes = (long) state.params().length * Float.BYTES;
        double ratio = replicas.stream().mapToDouble(r -> (double) r.bytesSent() / r.steps() / paramBytes)
                .average().orElse(0);
        double waiting = replicas.stream().mapToDouble(SyncResult::exchangeSeconds).average().orElse(0);
        history.add(RoundStats.of(round, epoch + 1, sum, System.nanoTime() - t0, ratio));
        LOG.info(String.format("round %d: %d replicas x %d steps, %s exchange sent %.4f of the dense parameter "
                        + "bytes per step per worker; %.1f s per replica in exchange", round, replicas.size(), steps,
                options.exchange().id(), ratio, waiting));
        listener.roundFinished(history.get(history.size() - 1), run.epochs(), state);
        return state;
    }

    /**
     * The run's secret for the rendezvous and the ring, shipped to the tasks in their closure; ring
     * traffic is encrypted whenever Spark's own network encryption or authentication is on.
     */
    static RunSecret runSecret(org.apache.spark.SparkConf conf) {
        return RunSecret.generate(conf.getBoolean("spark.network.crypto.enabled", false)
                || conf.getBoolean("spark.authenticate", false));
    }

    /**
     * The round's end state: the replicas' parameters (identical, which is checked), and the
     * example-weighted mean of their optimizer states (identical too with dense exchange; each
     * replica's own with threshold exchange).
     */
    static WeightedSum combine(List<SyncResult> replicas, int round) {
        int hash = replicas.get(0).paramsHash();
        WeightedSum sum = WeightedSum.empty();
        for (SyncResult r : replicas) {
            if (r.paramsHash() != hash) {
                throw new IllegalStateException("gradient sharing round " + round + ": replicas ended with different "
                        + "parameters (hashes " + Integer.toHexString(hash) + " and " + Integer.toHexString(r.paramsHash())
                        + ")");
            }
            sum = sum.merge(WeightedSum.of(new TrainResult(r.state(), r.lossSum(), r.examples(), r.steps(), r.correct())));
        }
        return sum;
    }
}
