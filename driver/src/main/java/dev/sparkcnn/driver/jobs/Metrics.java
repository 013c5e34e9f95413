package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.driver.eval.EvaluationReport;
import dev.sparkcnn.driver.train.RoundStats;
import java.util.List;

/**
 * The content of {@code metrics.json}: the held-out split's figures at top level, the dataset's
 * own test set (when it has one) beside them, and the history of rounds.
 */
public record Metrics(double testAccuracy, Double officialTestAccuracy, double testLoss, long testExamples,
                      List<EvaluationReport.PartitionAccuracy> perPartition,
                      List<EvaluationReport.ClassMetrics> perClass, long[][] confusionMatrix,
                      EvaluationReport officialTest, List<RoundStats> rounds, double trainingSeconds,
                      double imagesPerSecond) {

    public static Metrics of(EvaluationReport test, EvaluationReport official, List<RoundStats> rounds,
                             double trainingSeconds) {
        long examples = rounds.stream().mapToLong(RoundStats::examples).sum();
        return new Metrics(test.accuracy(), official == null ? null : official.accuracy(), test.loss(),
                test.examples(), test.perPartition(), test.perClass(), test.confusionMatrix(), official, rounds,
                trainingSeconds, trainingSeconds > 0 ? examples / trainingSeconds : 0);
    }
}
