package dev.sparkcnn.driver.eval;

import dev.sparkcnn.kernels.EvalCounts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Accuracy aggregated on the driver from per-partition counts: global, per partition, per class,
 * and the confusion matrix ({@code [actual][predicted]}). Every figure derives from counts, so the
 * global accuracy is the trace of the summed confusion matrix over its total.
 */
public record EvaluationReport(double accuracy, long examples, long correct, double loss,
                               List<PartitionAccuracy> perPartition, List<ClassMetrics> perClass,
                               long[][] confusionMatrix) {

    /** One partition's share of the evaluation. */
    public record PartitionAccuracy(int partition, long examples, long correct, double accuracy) {
    }

    /**
     * One class's figures; precision is 0 when nothing was predicted as the class (sklearn's
     * convention), recall equals the class's accuracy.
     */
    public record ClassMetrics(int index, String name, long support, long predicted, long correct, double precision,
                               double recall, double f1) {
    }

    public static EvaluationReport of(List<PartitionCounts> partitions, List<String> classNames) {
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("no partitions to aggregate");
        }
        EvalCounts total = new EvalCounts(classNames.size());
        List<PartitionAccuracy> perPartition = new ArrayList<>();
        for (PartitionCounts pc : partitions.stream().sorted(Comparator.comparingInt(PartitionCounts::partition))
                .toList()) {
            EvalCounts c = pc.counts();
            perPartition.add(new PartitionAccuracy(pc.partition(), c.total(), c.correct(), ratio(c.correct(),
                    c.total())));
            total.merge(c);
        }
        long[][] m = total.confusion();
        List<ClassMetrics> perClass = new ArrayList<>();
        for (int k = 0; k < classNames.size(); k++) {
            long support = 0;
            long predicted = 0;
            for (int j = 0; j < classNames.size(); j++) {
                support += m[k][j];
                predicted += m[j][k];
            }
            long correct = m[k][k];
            double precision = ratio(correct, predicted);
            double recall = ratio(correct, support);
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.add(new ClassMetrics(k, classNames.get(k), support, predicted, correct, precision, recall, f1));
        }
        return new EvaluationReport(ratio(total.correct(), total.total()), total.total(), total.correct(),
                total.total() == 0 ? 0 : total.lossSum() / total.total(), List.copyOf(perPartition),
                List.copyOf(perClass), m);
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }

    /** The human-readable tables printed after training and by {@code evaluate}. */
    public String render(String title) {
        StringBuilder s = new StringBuilder();
        s.append(String.format("%n== %s: accuracy %.4f (%d/%d), loss %.4f%n", title, accuracy, correct, examples, loss));
        s.append(String.format("%-10s %10s %10s %9s%n", "partition", "examples", "correct", "accuracy"));
        for (PartitionAccuracy p : perPartition) {
            s.append(String.format("%-10d %10d %10d %9.4f%n", p.partition(), p.examples(), p.correct(), p.accuracy()));
        }
        int w = Math.max(12, perClass.stream().mapToInt(c -> c.name().length()).max().orElse(0) + 1);
        s.append(String.format("%-" + w + "s %8s %9s %9s %9s%n", "class", "support", "precision", "recall", "f1"));
        for (ClassMetrics c : perClass) {
            s.append(String.format("%-" + w + "s %8d %9.4f %9.4f %9.4f%n", c.name(), c.support(), c.precision(),
                    c.recall(), c.f1()));
        }
        s.append("confusion matrix (rows: actual, columns: predicted)\n");
        for (int k = 0; k < confusionMatrix.length; k++) {
            s.append(String.format("%-" + w + "s", perClass.get(k).name()));
            for (long v : confusionMatrix[k]) {
                s.append(String.format(" %6d", v));
            }
            s.append('\n');
        }
        return s.toString();
    }
}
