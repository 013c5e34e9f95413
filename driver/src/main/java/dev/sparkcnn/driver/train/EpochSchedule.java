package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Seeds;
import java.util.ArrayList;
import java.util.List;

/**
 * Which records a partition trains on in a given round: the partition's training records in an
 * order shuffled by (seed, epoch, partition), cut into consecutive runs of K batches. The single
 * process reference trainer uses the same schedule, which is what makes the two comparable.
 */
public final class EpochSchedule {
    private EpochSchedule() {
    }

    /**
     * The records of round {@code round} (0-based, within the epoch) of {@code localSteps} steps;
     * empty when the partition is done.
     */
    public static List<ImageRecord> roundRecords(List<ImageRecord> partitionRecords, TrainingRun run, int localSteps,
                                                 int epoch, int partition, int round) {
        long from = round * run.recordsPerRound(localSteps);
        if (from >= partitionRecords.size()) {
            return List.of();
        }
        List<ImageRecord> order = new ArrayList<>(partitionRecords);
        Seeds.shuffle(order, run.seed(), epoch, partition);
        int to = (int) Math.min(order.size(), from + run.recordsPerRound(localSteps));
        return order.subList((int) from, to);
    }
}
