package dev.sparkcnn.driver.train;

import dev.sparkcnn.driver.config.AllReduceAveragingSettings;
import dev.sparkcnn.kernels.sync.SyncTrainer;

/**
 * Parameter averaging without a Spark job per average: K local steps per replica, then the
 * all-reduced example-weighted mean of the replicas' parameters and optimizer states
 * ({@link SyncTrainer#average}). Runs as {@link BarrierStrategy}: one barrier stage per epoch, so
 * it needs a free task slot per partition.
 */
public final class AllReduceAveraging extends BarrierStrategy {
    private final SyncTrainer.Averaging averaging;

    public AllReduceAveraging(AllReduceAveragingSettings settings) {
        this.averaging = new SyncTrainer.Averaging(settings.averagingFrequency(), settings.verifyReplicas());
    }

    @Override
    ReplicaSteps replicaSteps() {
        SyncTrainer.Averaging a = averaging; // captured alone: the strategy itself is not shipped
        return (net, start, batches, steps, ring) -> SyncTrainer.average(net, start, batches, steps, ring, a);
    }

    @Override
    String exchangeName() {
        return "average";
    }

    @Override
    String description() {
        return "all-reduce averaging";
    }

    @Override
    String jobLabel() {
        return "allreduce-averaging";
    }

    @Override
    int averagingFrequency() {
        return averaging.every();
    }
}
