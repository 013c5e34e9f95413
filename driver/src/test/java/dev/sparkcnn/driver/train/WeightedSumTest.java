package dev.sparkcnn.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.TrainResult;
import org.junit.jupiter.api.Test;

class WeightedSumTest {

    @Test
    void averageIsWeightedByExamples() {
        WeightedSum a = WeightedSum.of(result(new float[] {1, 10}, new float[] {2}, 3, 30, 4.0));
        WeightedSum b = WeightedSum.of(result(new float[] {5, 20}, new float[] {6}, 5, 10, 2.0));
        WeightedSum sum = a.merge(b).merge(WeightedSum.empty());
        ModelState avg = sum.average();
        assertArrayEquals(new float[] {(1 * 30 + 5 * 10) / 40f, (10 * 30 + 20 * 10) / 40f}, avg.params(), 1e-6f);
        assertArrayEquals(new float[] {(2 * 30 + 6 * 10) / 40f}, avg.updaterState(), 1e-6f);
        assertEquals(5, avg.iteration());
        assertEquals(40, sum.examples());
        assertEquals(6.0 / 40, sum.meanLoss(), 1e-12);
    }

    @Test
    void trainingAccuracyIsPooledOverReplicasAndUnknownIfOneDidNotMeasureIt() {
        ModelState st = new ModelState(new float[] {1}, new float[0], 1);
        WeightedSum a = WeightedSum.of(new TrainResult(st, 1, 30, 1, 15));
        WeightedSum b = WeightedSum.of(new TrainResult(st, 1, 10, 1, 9));
        assertEquals(24.0 / 40, a.merge(b).accuracy(), 1e-12);
        WeightedSum c = WeightedSum.of(new TrainResult(st, 1, 30, 1, 15));
        WeightedSum unmeasured = WeightedSum.of(new TrainResult(st, 1, 10, 1));
        assertEquals(Double.NaN, c.merge(unmeasured).accuracy());
    }

    @Test
    void oneReplicaAveragesToItselfExactly() {
        float[] p = {0.1f, -3.3333333f, 1e-7f, 12345.678f};
        WeightedSum s = WeightedSum.empty().merge(WeightedSum.of(result(p, new float[] {0.7f}, 9, 63, 1)));
        assertArrayEquals(p, s.average().params());
    }

    @Test
    void aRoundWithoutExamplesIsAnError() {
        assertThrows(IllegalStateException.class, () -> WeightedSum.empty().merge(WeightedSum.empty()).average());
    }

    private static TrainResult result(float[] p, float[] u, long it, long n, double loss) {
        return new TrainResult(new ModelState(p, u, it), loss, n, 1);
    }
}
