package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DatasetStatisticsTest {
    private static final DatasetSpec SPEC = new DatasetSpec(3, 2, 2, List.of("a", "b", "c", "d"));

    /** An image whose three channels are constant: r, g, b on all four pixels. */
    static ImageRecord constant(int label, int r, int g, int b) {
        byte[] p = new byte[12];
        Arrays.fill(p, 0, 4, (byte) r);
        Arrays.fill(p, 4, 8, (byte) g);
        Arrays.fill(p, 8, 12, (byte) b);
        return new ImageRecord(label, p);
    }

    @Test
    void histogramMeanAndStdOfKnownImages() {
        DatasetStatistics s = new DatasetStatistics(SPEC);
        s.add(constant(1, 0, 255, 51));
        s.add(constant(3, 255, 255, 102));
        assertEquals(2, s.records());
        assertArrayEquals(new long[] {0, 1, 0, 1}, s.classCounts());
        assertArrayEquals(new double[] {0.5, 1.0, 0.3}, s.mean(), 1e-12);
        assertArrayEquals(new double[] {0.5, 0.0, 0.1}, s.std(), 1e-12);
    }

    @Test
    void matchesATwoPassComputationOnRandomImages() {
        Random rnd = new Random(3);
        DatasetStatistics s = new DatasetStatistics(SPEC);
        double[][] values = new double[3][];
        int n = 500;
        for (int c = 0; c < 3; c++) {
            values[c] = new double[n * 4];
        }
        for (int r = 0; r < n; r++) {
            byte[] p = new byte[12];
            rnd.nextBytes(p);
            for (int i = 0; i < 12; i++) {
                values[i / 4][r * 4 + i % 4] = (p[i] & 0xFF) / 255.0;
            }
            s.add(new ImageRecord(r % 4, p));
        }
        for (int c = 0; c < 3; c++) {
            double mean = Arrays.stream(values[c]).average().orElseThrow();
            double var = Arrays.stream(values[c]).map(v -> (v - mean) * (v - mean)).sum() / values[c].length;
            assertEquals(mean, s.mean()[c], 1e-12);
            assertEquals(Math.sqrt(var), s.std()[c], 1e-12);
        }
    }

    @Test
    void mergingPartsEqualsCountingEverythingInOne() {
        Random rnd = new Random(8);
        DatasetStatistics whole = new DatasetStatistics(SPEC);
        DatasetStatistics first = new DatasetStatistics(SPEC);
        DatasetStatistics second = new DatasetStatistics(SPEC);
        for (int r = 0; r < 50; r++) {
            byte[] p = new byte[12];
            rnd.nextBytes(p);
            ImageRecord record = new ImageRecord(r % 4, p);
            whole.add(record);
            (r < 20 ? first : second).add(record);
        }
        DatasetStatistics merged = first.merge(second);
        assertEquals(50, merged.records());
        assertArrayEquals(whole.classCounts(), merged.classCounts());
        assertArrayEquals(whole.mean(), merged.mean(), 0.0);
        assertArrayEquals(whole.std(), merged.std(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> whole.merge(
                new DatasetStatistics(new DatasetSpec(1, 2, 2, List.of("a", "b", "c", "d")))));
    }

    @Test
    void refusesRecordsThatDoNotFit() {
        DatasetStatistics s = new DatasetStatistics(SPEC);
        assertThrows(IllegalArgumentException.class, () -> s.add(new ImageRecord(4, new byte[12])));
        assertThrows(IllegalArgumentException.class, () -> s.add(new ImageRecord(0, new byte[13])));
    }
}
