package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.PartitionTrainer;
import java.util.List;

/**
 * Single-process reference trainer: the same schedule as one partition of a distributed run,
 * without Spark. The equivalence tests compare strategies against it; benchmarks use it as the
 * single-machine baseline.
 */
public final class LocalTrainer {
    private LocalTrainer() {
    }

    /**
     * Trains {@code records} as partition {@code partition} of parameter averaging every
     * {@code localSteps} steps would, round after round.
     */
    public static ModelState train(List<ImageRecord> records, int partition, ModelState initial, TrainingRun run,
                                   int localSteps) {
        ModelState state = initial;
        int rounds = run.roundsPerEpoch(localSteps, records.size());
        NativeRuntime.configureThreads(run.threadsPerTask());
        try (Network net = NetworkFactory.create(run.spec(), run.engine())) {
            net.partition(partition);
            for (int epoch = 0; epoch < run.epochs(); epoch++) {
                for (int r = 0; r < rounds; r++) {
                    List<ImageRecord> mine = EpochSchedule.roundRecords(records, run, localSteps, epoch, partition,
                            r);
                    state = PartitionTrainer.train(net, state,
                            run.trainingBatches(mine, epoch, partition, r * run.recordsPerRound(localSteps)),
                            localSteps).state();
                }
            }
        }
        return state;
    }
}
