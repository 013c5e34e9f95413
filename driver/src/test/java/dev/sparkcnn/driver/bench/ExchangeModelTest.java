package dev.sparkcnn.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparkcnn.driver.bench.ExchangeModel.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExchangeModelTest {

    private static List<Point> synthetic(double alpha, double beta, double noise, long seed) {
        Random random = new Random(seed);
        List<Point> points = new ArrayList<>();
        for (int n : new int[] {2, 3, 4, 8}) {
            for (long bytes = 64 << 10; bytes <= 64 << 20; bytes *= 4) {
                double t = alpha + ExchangeModel.sentBytes(n, bytes) / beta;
                points.add(new Point(n, bytes, t * (1 + noise * (2 * random.nextDouble() - 1))));
            }
        }
        return points;
    }

    @Test
    void recoversAlphaAndBetaFromExactPoints() {
        ExchangeModel fit = ExchangeModel.fit(synthetic(250e-6, 1.2e9, 0, 1));
        assertEquals(250e-6, fit.alpha(), 1e-9);
        assertEquals(1.2e9, fit.beta(), 1e9 * 1e-6);
        fit.residuals(synthetic(250e-6, 1.2e9, 0, 1)).forEach(r -> assertEquals(0, r.relative(), 1e-9));
    }

    @Test
    void recoversThemWithinTheNoiseFromNoisyPoints() {
        List<Point> points = synthetic(400e-6, 600e6, 0.05, 7);
        ExchangeModel fit = ExchangeModel.fit(points);
        assertEquals(400e-6, fit.alpha(), 40e-6);
        assertEquals(600e6, fit.beta(), 30e6);
        fit.residuals(points).forEach(r -> assertEquals(0, r.relative(), 0.11));
    }

    @Test
    void sentBytesIsTheRingAllReduceVolume() {
        assertEquals(1000, ExchangeModel.sentBytes(2, 1000), 1e-9);
        assertEquals(1750, ExchangeModel.sentBytes(8, 1000), 1e-9);
        assertEquals(0, new ExchangeModel(1e-3, 1e9).seconds(1, 1e6));
        assertEquals(1e-3 + 1e6 / 1e9, new ExchangeModel(1e-3, 1e9).seconds(2, 1e6), 1e-12);
    }

    @Test
    void refusesPointsThatCannotDetermineTheModel() {
        assertThrows(IllegalArgumentException.class, () -> ExchangeModel.fit(List.of(new Point(2, 1000, 1e-3))));
        assertThrows(IllegalArgumentException.class, () -> ExchangeModel.fit(
                List.of(new Point(2, 1000, 1e-3), new Point(2, 1000, 2e-3))));
        assertThrows(IllegalArgumentException.class, () -> ExchangeModel.fit(
                List.of(new Point(2, 1000, 2e-3), new Point(2, 100000, 1e-3))));
    }
}
