package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.PartitionTrainer;
import dev.sparkcnn.kernels.TrainResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * The executor side of one parameter-averaging round: load the broadcast state, run K local
 * steps on this partition's share of the round, return the example-weighted sum.
 */
final class LocalSteps implements Function2<Integer, Iterator<ImageRecord>, Iterator<WeightedSum>> {
    private static final long serialVersionUID = 1L;

    private final TrainingRun run;
    private final int localSteps;
    private final Broadcast<ModelState> state;
    private final int epoch;
    private final int round;
    private final int roundNumber;
    private final FaultInjection faults;

    /**
     * @param localSteps  steps per round (K)
     * @param round       the round within the epoch (0-based)
     * @param roundNumber the round over the whole run (1-based, as logged)
     */
    LocalSteps(TrainingRun run, int localSteps, Broadcast<ModelState> state, int epoch, int round, int roundNumber,
               FaultInjection faults) {
        this.run = run;
        this.localSteps = localSteps;
        this.state = state;
        this.epoch = epoch;
        this.round = round;
        this.roundNumber = roundNumber;
        this.faults = faults;
    }

    @Override
    public Iterator<WeightedSum> call(Integer partition, Iterator<ImageRecord> records) {
        faults.maybeFail(roundNumber, partition);
        List<ImageRecord> all = new ArrayList<>();
        records.forEachRemaining(all::add);
        List<ImageRecord> mine = EpochSchedule.roundRecords(all, run, localSteps, epoch, partition, round);
        if (mine.isEmpty()) {
            return List.of(WeightedSum.empty()).iterator();
        }
        try (TaskNetworks.Lease lease = TaskNetworks.borrow(run, partition)) {
            TrainResult result = PartitionTrainer.train(lease.network(), state.value(),
                    run.trainingBatches(mine, epoch, partition, round * run.recordsPerRound(localSteps)),
                    localSteps);
            return List.of(WeightedSum.of(result)).iterator();
        }
    }
}
