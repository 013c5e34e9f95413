package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.driver.eval.EvaluationReport;
import dev.sparkcnn.driver.train.EpochStats;
import dev.sparkcnn.driver.train.KeptEpoch;
import dev.sparkcnn.driver.train.RoundStats;
import java.util.List;

/**
 * The content of {@code metrics.json}: the held-out split's figures at top level (of the model
 * written: with {@code --keep-best} the kept epoch's state), the dataset's own test set (when it
 * has one) beside them, the history of rounds, and the per-epoch training and held-out figures.
 * Files written before epochs were recorded read with {@code epochs}, {@code keptEpoch} and
 * {@code validationSeconds} null.
 *
 * @param epochs            one entry per epoch, held-out figures where the split was evaluated
 * @param keptEpoch         {@code --keep-best}: the epoch whose state is the model; null otherwise
 * @param validationSeconds wall time of the per-epoch held-out evaluations (not in {@code trainingSeconds})
 */
public record Metrics(double testAccuracy, Double officialTestAccuracy, double testLoss, long testExamples,
                      List<EvaluationReport.PartitionAccuracy> perPartition,
                      List<EvaluationReport.ClassMetrics> perClass, long[][] confusionMatrix,
                      EvaluationReport officialTest, List<RoundStats> rounds, double trainingSeconds,
                      double imagesPerSecond, List<EpochStats> epochs, KeptEpoch keptEpoch, Double validationSeconds) {

    public static Metrics of(EvaluationReport test, EvaluationReport official, List<RoundStats> rounds,
                             double trainingSeconds) {
        long examples = rounds.stream().mapToLong(RoundStats::examples).sum();
        return new Metrics(test.accuracy(), official == null ? null : official.accuracy(), test.loss(),
                test.examples(), test.perPartition(), test.perClass(), test.confusionMatrix(), official, rounds,
                trainingSeconds, trainingSeconds > 0 ? examples / trainingSeconds : 0, null, null, null);
    }

    /** These metrics with the per-epoch figures, the kept epoch (or null) and the time evaluating them took. */
    public Metrics withEpochs(List<EpochStats> perEpoch, KeptEpoch kept, double seconds) {
        return new Metrics(testAccuracy, officialTestAccuracy, testLoss, testExamples, perPartition, perClass,
                confusionMatrix, officialTest, rounds, trainingSeconds, imagesPerSecond, List.copyOf(perEpoch), kept,
                seconds);
    }
}
