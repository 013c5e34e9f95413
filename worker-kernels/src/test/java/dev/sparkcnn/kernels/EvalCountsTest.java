package dev.sparkcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class EvalCountsTest {

    private static EvalCounts counts(int[][] pairs, double loss) {
        EvalCounts counts = new EvalCounts(3);
        for (int[] pair : pairs) {
            counts.add(pair[0], pair[1]);
        }
        counts.addLoss(loss);
        return counts;
    }

    @Test
    void mergeSumsAndDerivedCountsAgree() {
        EvalCounts a = counts(new int[][]{{0, 0}, {0, 1}, {1, 1}, {2, 0}}, 1.5);
        EvalCounts b = counts(new int[][]{{0, 0}, {2, 2}, {2, 2}}, 2.0);
        assertSame(a, a.merge(b));
        assertArrayEquals(new long[][]{{2, 1, 0}, {0, 1, 0}, {1, 0, 2}}, a.confusion());
        assertEquals(7, a.total());
        assertEquals(5, a.correct()); // the trace
        assertEquals(3.5, a.lossSum());
        long[][] confusion = a.confusion();
        long[] support = {3, 1, 3};
        for (int actual = 0; actual < 3; actual++) {
            long rowSum = 0;
            for (long n : confusion[actual]) {
                rowSum += n;
            }
            assertEquals(support[actual], rowSum);
            assertEquals(support[actual], a.support(actual));
        }
        assertEquals(3, b.total()); // the merged-in counts are unchanged
    }

    @Test
    void confusionIsACopy() {
        EvalCounts a = counts(new int[][]{{1, 1}}, 0);
        a.confusion()[1][1] = 100;
        assertEquals(1, a.correct());
    }

    @Test
    void rejectsMismatchedClassesAndOutOfRangeLabels() {
        EvalCounts three = new EvalCounts(3);
        assertThrows(IllegalArgumentException.class, () -> three.merge(new EvalCounts(2)));
        assertThrows(IllegalArgumentException.class, () -> three.add(3, 0));
        assertThrows(IllegalArgumentException.class, () -> three.add(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new EvalCounts(1));
    }

    @Test
    void serializes() throws Exception {
        EvalCounts a = counts(new int[][]{{0, 2}, {1, 1}}, 0.25);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(a);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(a, in.readObject());
        }
    }

    @Test
    void argmaxTakesTheLowestIndexOnTies() {
        float[] probabilities = {0.2f, 0.5f, 0.3f, 0.4f, 0.2f, 0.4f, 0.1f, 0.1f, 0.8f};
        assertEquals(1, PartitionEvaluator.argmax(probabilities, 0, 3));
        assertEquals(0, PartitionEvaluator.argmax(probabilities, 1, 3));
        assertEquals(2, PartitionEvaluator.argmax(probabilities, 2, 3));
    }

    @Test
    void crossEntropySumsNegativeLogs() {
        float[] probabilities = {0.5f, 0.5f, 0.9f, 0.1f, 0f, 1f};
        double expected = -Math.log(0.5) - Math.log(0.1) - Math.log(CrossEntropy.CLIP);
        assertEquals(expected, CrossEntropy.sum(probabilities, new int[]{1, 1, 0}, 3, 2), 1e-6);
    }
}
