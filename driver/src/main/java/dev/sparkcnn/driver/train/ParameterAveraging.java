package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.kernels.ModelState;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import dev.sparkcnn.driver.metrics.JobLabels;
import dev.sparkcnn.driver.spark.RoundBroadcasts;

/**
 * Parameter averaging (local SGD): every round broadcasts the state, each partition trains K
 * local steps from it, and the driver replaces the state with the example-weighted mean of the
 * replicas' parameters and updater states.
 */
public final class ParameterAveraging implements TrainingStrategy {
    private static final int TREE_DEPTH = 2;

    private final int averagingFrequency;

    /** @param averagingFrequency local steps per round (K) */
    public ParameterAveraging(int averagingFrequency) {
        if (averagingFrequency < 1) {
            throw new IllegalArgumentException("averagingFrequency must be >= 1, got " + averagingFrequency);
        }
        this.averagingFrequency = averagingFrequency;
    }

    @Override
    public int roundsPerEpoch(TrainingRun run, long largestPartition) {
        return run.roundsPerEpoch(averagingFrequency, largestPartition);
    }

    @Override
    public TrainingResult fit(JavaSparkContext sc, JavaRDD<ImageRecord> train, long largestPartition,
                              TrainingStart start, TrainingRun run, RoundListener listener) {
        int roundsPerEpoch = roundsPerEpoch(run, largestPartition);
        int totalRounds = roundsPerEpoch * run.epochs();
        TrainingStrategy.checkStart(start, totalRounds);
        RoundBroadcasts<ModelState> broadcasts = new RoundBroadcasts<>(sc);
        FaultInjection faults = FaultInjection.from(sc.getConf());
        ModelState state = start.state();
        List<RoundStats> history = new ArrayList<>(start.history());
        // run round n (0-based) is round n % roundsPerEpoch of epoch n / roundsPerEpoch; a resumed run starts
        // mid-epoch, every later epoch at its round 0 (history.size() is then a multiple of roundsPerEpoch)
        for (int epoch = history.size() / roundsPerEpoch; epoch < run.epochs(); epoch++) {
            for (int r = history.size() % roundsPerEpoch; r < roundsPerEpoch; r++) {
                long t0 = System.nanoTime();
                Broadcast<ModelState> current = broadcasts.next(state);
                JobLabels.round(sc, "parameter-averaging", history.size() + 1, epoch + 1, averagingFrequency);
                LocalSteps steps = new LocalSteps(run, averagingFrequency, current, epoch, r, history.size() + 1,
                        faults);
                WeightedSum sum = train.mapPartitionsWithIndex(steps, true).treeReduce(WeightedSum::merge, TREE_DEPTH);
                state = sum.average();
                history.add(RoundStats.of(history.size() + 1, epoch + 1, sum, System.nanoTime() - t0));
                listener.roundFinished(history.get(history.size() - 1), totalRounds, state);
            }
        }
        broadcasts.release();
        return new TrainingResult(state, List.copyOf(history));
    }
}
