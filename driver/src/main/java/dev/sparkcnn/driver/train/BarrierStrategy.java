package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.driver.metrics.JobLabels;
import dev.sparkcnn.driver.spark.RoundBroadcasts;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.TrainResult;
import dev.sparkcnn.kernels.sync.Rendezvous;
import dev.sparkcnn.kernels.sync.RunSecret;
import dev.sparkcnn.kernels.sync.SyncResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag$;

/**
 * The machinery the barrier strategies share: one round is one epoch, run as one Spark barrier
 * stage (all tasks start together, and if one fails Spark retries the whole stage from the round's
 * broadcast state); inside it the tasks exchange over direct connections ({@link SyncRound}), after
 * meeting at a {@link Rendezvous} server this driver runs for the duration of the fit. A subclass
 * says only what a replica does in a round ({@link #replicaSteps}).
 *
 * <p>Needs as many free task slots as partitions at once (Spark refuses the stage otherwise).
 */
public abstract class BarrierStrategy implements TrainingStrategy {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");

    /** What every replica does in a round. */
    abstract ReplicaSteps replicaSteps();

    /** How the replicas exchange, as logged ({@code dense}, {@code threshold}, {@code average}). */
    abstract String exchangeName();

    /** The strategy, as named in errors. */
    abstract String description();

    /** The strategy as Spark's job descriptions name it ({@link JobLabels#round}). */
    abstract String jobLabel();

    /** Local steps between two exchanges, as Spark's job descriptions show it (K; 1 for gradient sharing). */
    abstract int averagingFrequency();

    /** One round is one epoch. */
    @Override
    public final int roundsPerEpoch(TrainingRun run, long largestPartition) {
        return 1;
    }

    @Override
    public final boolean runsAllPartitionsAtOnce() {
        return true;
    }

    @Override
    public final TrainingResult fit(JavaSparkContext sc, JavaRDD<ImageRecord> train, long largestPartition,
                                    TrainingStart start, TrainingRun run, RoundListener listener) {
        TrainingStrategy.checkStart(start, run.epochs());
        int steps = (int) Math.max(1, (largestPartition + run.batchSize() - 1) / run.batchSize());
        FaultInjection faults = FaultInjection.from(sc.getConf());
        RoundBroadcasts<ModelState> broadcasts = new RoundBroadcasts<>(sc);
        ModelState state = start.state();
        List<RoundStats> history = new ArrayList<>(start.history());
        RunSecret secret = runSecret(sc.getConf());
        Rendezvous.Server server = openRendezvous(sc, secret);
        try {
            InetSocketAddress rendezvous = InetSocketAddress.createUnresolved(sc.getConf().get("spark.driver.host"),
                    server.port());
            for (int epoch = history.size(); epoch < run.epochs(); epoch++) {
                long t0 = System.nanoTime();
                int number = history.size() + 1;
                JobLabels.round(sc, jobLabel(), number, epoch + 1, averagingFrequency());
                List<SyncResult> replicas = stage(train, new BarrierRound(run, broadcasts.next(state), epoch, number,
                        steps, secret, faults, rendezvous));
                WeightedSum sum = combine(replicas, number);
                state = sum.average();
                double ratio = exchangeRatio(replicas, state);
                history.add(RoundStats.of(number, epoch + 1, sum, System.nanoTime() - t0, ratio));
                logRound(number, replicas, steps, state);
                listener.roundFinished(history.get(history.size() - 1), run.epochs(), state);
            }
        } finally {
            server.close();
        }
        broadcasts.release();
        return new TrainingResult(state, List.copyOf(history));
    }

    /** Runs {@code round} as one barrier stage; the replicas' results in rank order. */
    private List<SyncResult> stage(JavaRDD<ImageRecord> train, BarrierRound round) {
        RDD<SyncResult> stage = train.rdd().barrier().mapPartitions(
                new SyncRound(round, replicaSteps(), description()), false,
                ClassTag$.MODULE$.apply(SyncResult.class));
        // The shuffle makes the barrier stage a shuffle-map stage: Spark retries a failed one as a
        // whole, while a failed barrier result stage would abort the job.
        List<SyncResult> replicas = new ArrayList<>(stage.toJavaRDD().repartition(1).collect());
        replicas.sort(Comparator.comparingInt(SyncResult::rank));
        return replicas;
    }

    /**
     * The run's secret for the rendezvous and the ring, shipped to the tasks in their closure; ring
     * traffic is encrypted whenever Spark's own network encryption or authentication is on.
     */
    static RunSecret runSecret(SparkConf conf) {
        return RunSecret.generate(conf.getBoolean("spark.network.crypto.enabled", false)
                || conf.getBoolean("spark.authenticate", false));
    }

    private static Rendezvous.Server openRendezvous(JavaSparkContext sc, RunSecret secret) {
        String driverHost = sc.getConf().get("spark.driver.host");
        try {
            return Rendezvous.Server.open(sc.getConf().get("spark.driver.bindAddress", driverHost), secret);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The round's end state: the replicas' parameters (identical, which is checked), and the
     * example-weighted mean of their optimizer states (identical too with dense exchange; each
     * replica's own with threshold exchange).
     */
    private WeightedSum combine(List<SyncResult> replicas, int round) {
        int hash = replicas.get(0).paramsHash();
        WeightedSum sum = WeightedSum.empty();
        for (SyncResult r : replicas) {
            if (r.paramsHash() != hash) {
                throw new IllegalStateException(description() + " round " + round + ": replicas ended with "
                        + "different parameters (hashes " + Integer.toHexString(hash) + " and "
                        + Integer.toHexString(r.paramsHash()) + ")");
            }
            sum = sum.merge(WeightedSum.of(new TrainResult(r.state(), r.lossSum(), r.examples(), r.steps(),
                    r.correct())));
        }
        return sum;
    }

    /** Bytes a replica sent per step, relative to the dense parameter bytes (mean over replicas). */
    private static double exchangeRatio(List<SyncResult> replicas, ModelState state) {
        long paramBytes = (long) state.params().length * Float.BYTES;
        return replicas.stream().mapToDouble(r -> (double) r.bytesSent() / r.steps() / paramBytes).average()
                .orElse(0);
    }

    private void logRound(int number, List<SyncResult> replicas, int steps, ModelState state) {
        double waiting = replicas.stream().mapToDouble(SyncResult::exchangeSeconds).average().orElse(0);
        LOG.info(String.format("round %d: %d replicas x %d steps, %s exchange sent %.4f of the dense parameter "
                        + "bytes per step per worker; %.1f s per replica in exchange", number, replicas.size(), steps,
                exchangeName(), exchangeRatio(replicas, state), waiting));
    }
}
