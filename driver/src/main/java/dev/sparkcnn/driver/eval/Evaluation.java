package dev.sparkcnn.driver.eval;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.driver.train.TaskNetworks;
import dev.sparkcnn.driver.train.TrainingRun;
import dev.sparkcnn.kernels.BatchIterator;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.PartitionEvaluator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Distributed evaluation: every partition counts its own predictions (never accuracies, which
 * cannot be averaged) and the driver collects the small per-partition count tables.
 */
public final class Evaluation {
    private Evaluation() {
    }

    public static List<PartitionCounts> countsPerPartition(JavaSparkContext sc, JavaRDD<ImageRecord> data,
                                                           ModelState state, TrainingRun run) {
        // Not destroyed here: that would race with the tasks' lock release (see RoundBroadcasts);
        // Spark's ContextCleaner removes it once unreferenced.
        Broadcast<ModelState> bc = sc.broadcast(state);
        return data.mapPartitionsWithIndex((p, it) -> {
            try (TaskNetworks.Lease lease = TaskNetworks.borrow(run)) {
                return List.of(new PartitionCounts(p, PartitionEvaluator.evaluate(lease.network(), bc.value(),
                        new BatchIterator(it, run.batchSize(), run.spec(), run.normalization())))).iterator();
            }
        }, true).collect();
    }
}
