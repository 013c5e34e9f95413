package dev.sparkcnn.driver.train;

import java.util.List;

/**
 * One epoch as the driver saw it: the per-epoch entries of {@code metrics.json}, the figures the
 * TensorFlow tutorials plot (Keras' {@code loss}, {@code accuracy}, {@code val_loss},
 * {@code val_accuracy}).
 *
 * @param epoch             1-based
 * @param round             the epoch's last round (1-based over the run)
 * @param loss              mean training loss over the epoch's examples (each batch measured before its step)
 * @param accuracy          fraction of the epoch's training examples classified right before their step;
 *                          null when a round did not measure it
 * @param examples          training examples of the epoch, all partitions
 * @param heldOutLoss       mean loss on the held-out split with the epoch's end state (inference mode);
 *                          null when the split was not evaluated after this epoch ({@code --validate-every})
 * @param heldOutAccuracy   accuracy on the held-out split; null as {@code heldOutLoss}
 * @param heldOutExamples   held-out examples evaluated; null as {@code heldOutLoss}
 */
public record EpochStats(int epoch, int round, double loss, Double accuracy, long examples, Double heldOutLoss,
                         Double heldOutAccuracy, Long heldOutExamples) {

    /** The training figures of epoch {@code epoch}, from its rounds (all of them, in order). */
    public static EpochStats training(int epoch, List<RoundStats> rounds) {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("epoch " + epoch + " has no rounds");
        }
        long examples = 0;
        double lossSum = 0;
        double correct = 0;
        boolean measured = true;
        for (RoundStats r : rounds) {
            if (r.epoch() != epoch) {
                throw new IllegalArgumentException("round " + r.round() + " belongs to epoch " + r.epoch()
                        + ", not " + epoch);
            }
            examples += r.examples();
            lossSum += r.loss() * r.examples();
            measured &= r.accuracy() != null;
            correct += r.accuracy() == null ? 0 : r.accuracy() * r.examples();
        }
        return new EpochStats(epoch, rounds.get(rounds.size() - 1).round(), examples == 0 ? 0 : lossSum / examples,
                measured && examples > 0 ? correct / examples : null, examples, null, null, null);
    }

    /** The training figures of every completed epoch in {@code rounds} (a run's history, rounds 1..n). */
    public static List<EpochStats> training(List<RoundStats> rounds, int roundsPerEpoch) {
        int epochs = rounds.size() / roundsPerEpoch;
        return java.util.stream.IntStream.range(0, epochs)
                .mapToObj(e -> training(e + 1, rounds.subList(e * roundsPerEpoch, (e + 1) * roundsPerEpoch)))
                .toList();
    }

    /** This epoch with its held-out figures. */
    public EpochStats withHeldOut(double heldOutLoss, double heldOutAccuracy, long heldOutExamples) {
        return new EpochStats(epoch, round, loss, accuracy, examples, heldOutLoss, heldOutAccuracy, heldOutExamples);
    }

    /** Whether the held-out split was evaluated after this epoch. */
    public boolean validated() {
        return heldOutAccuracy != null;
    }
}
