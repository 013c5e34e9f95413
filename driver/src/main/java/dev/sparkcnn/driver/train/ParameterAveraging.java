package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.kernels.ModelState;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import dev.sparkcnn.driver.spark.RoundBroadcasts;

/**
 * Parameter averaging (local SGD): every round broadcasts the state, each partition trains K
 * local steps from it, and the driver replaces the state with the example-weighted mean of the
 * replicas' parameters and updater states.
 */
public final class ParameterAveraging implements TrainingStrategy {
    private static final int TREE_DEPTH = 2;

    @Override
    public TrainingResult fit(JavaSparkContext sc, JavaRDD<ImageRecord> train, long largestPartition,
                              ModelState initial, TrainingRun run, RoundListener listener) {
        int roundsPerEpoch = run.roundsPerEpoch(largestPartition);
        int totalRounds = roundsPerEpoch * run.epochs();
        RoundBroadcasts<ModelState> broadcasts = new RoundBroadcasts<>(sc);
        FaultInjection faults = FaultInjection.from(sc.getConf());
        ModelState state = initial;
        List<RoundStats> history = new ArrayList<>(totalRounds);
        for (int epoch = 0; epoch < run.epochs(); epoch++) {
            for (int r = 0; r < roundsPerEpoch; r++) {
                long start = System.nanoTime();
                Broadcast<ModelState> current = broadcasts.next(state);
                WeightedSum sum = train.mapPartitionsWithIndex(new LocalSteps(run, current, epoch, r, history.size() + 1, faults), true)
                        .treeReduce(WeightedSum::merge, TREE_DEPTH);
                state = sum.average();
                history.add(RoundStats.of(history.size() + 1, epoch + 1, sum, System.nanoTime() - start));
                listener.roundFinished(history.get(history.size() - 1), totalRounds);
            }
        }
        broadcasts.release();
        return new TrainingResult(state, List.copyOf(history));
    }
}
