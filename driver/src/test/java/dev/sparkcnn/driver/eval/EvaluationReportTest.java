package dev.sparkcnn.driver.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkcnn.kernels.EvalCounts;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EvaluationReportTest {

    @Test
    void aggregatesCountsConsistently() {
        Random rnd = new Random(3);
        List<String> classes = List.of("a", "b", "c", "d");
        List<PartitionCounts> parts = List.of(random(0, 120, rnd), random(1, 77, rnd), random(2, 301, rnd));
        EvaluationReport r = EvaluationReport.of(parts, classes);

        long total = parts.stream().mapToLong(p -> p.counts().total()).sum();
        assertEquals(total, r.examples());
        assertEquals(total, r.perPartition().stream().mapToLong(EvaluationReport.PartitionAccuracy::examples).sum());
        long trace = 0;
        long all = 0;
        for (int k = 0; k < 4; k++) {
            trace += r.confusionMatrix()[k][k];
            long row = 0;
            for (long v : r.confusionMatrix()[k]) {
                row += v;
            }
            all += row;
            assertEquals(r.perClass().get(k).support(), row, "row sum = support of class " + k);
        }
        assertEquals(total, all);
        assertEquals((double) trace / total, r.accuracy(), 1e-12);
        assertEquals(r.correct(), parts.stream().mapToLong(p -> p.counts().correct()).sum());
        for (EvaluationReport.PartitionAccuracy p : r.perPartition()) {
            EvalCounts c = parts.get(p.partition()).counts();
            assertEquals((double) c.correct() / c.total(), p.accuracy(), 1e-12);
        }
    }

    @Test
    void precisionAndRecallOfAKnownMatrix() {
        EvalCounts c = new EvalCounts(2);
        // actual 0: 8 right, 2 as class 1; actual 1: 5 right, 0 wrong
        for (int i = 0; i < 8; i++) {
            c.add(0, 0);
        }
        c.add(0, 1);
        c.add(0, 1);
        for (int i = 0; i < 5; i++) {
            c.add(1, 1);
        }
        EvaluationReport r = EvaluationReport.of(List.of(new PartitionCounts(0, c)), List.of("x", "y"));
        assertEquals(13.0 / 15, r.accuracy(), 1e-12);
        assertEquals(1.0, r.perClass().get(0).precision(), 1e-12);
        assertEquals(0.8, r.perClass().get(0).recall(), 1e-12);
        assertEquals(5.0 / 7, r.perClass().get(1).precision(), 1e-12);
        assertEquals(1.0, r.perClass().get(1).recall(), 1e-12);
    }

    private static PartitionCounts random(int partition, int n, Random rnd) {
        EvalCounts c = new EvalCounts(4);
        for (int i = 0; i < n; i++) {
            int actual = rnd.nextInt(4);
            c.add(actual, rnd.nextDouble() < 0.6 ? actual : rnd.nextInt(4));
        }
        return new PartitionCounts(partition, c);
    }
}
