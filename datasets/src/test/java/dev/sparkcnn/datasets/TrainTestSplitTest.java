package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class TrainTestSplitTest {

    @Test
    void sameInputsGiveTheSameMask() {
        assertEquals(TrainTestSplit.testMask(42, 3, 1000, 0.2), TrainTestSplit.testMask(42, 3, 1000, 0.2));
    }

    @Test
    void differentSeedsOrPartitionsGiveDifferentMasks() {
        BitSet base = TrainTestSplit.testMask(42, 3, 1000, 0.2);
        assertNotEquals(base, TrainTestSplit.testMask(43, 3, 1000, 0.2));
        assertNotEquals(base, TrainTestSplit.testMask(42, 4, 1000, 0.2));
    }

    @Test
    void eightyTwentyHoldsOutExactlyTwoHundredOfAThousand() {
        BitSet mask = TrainTestSplit.testMask(7, 0, 1000, 0.2);
        assertEquals(200, mask.cardinality());
        assertTrue(mask.length() <= 1000);
    }

    @Test
    void memberCountIsAlwaysTheRoundedFraction() {
        for (double f : new double[] {0.1, 0.2, 0.25, 0.5, 0.8, 0.999}) {
            for (int n = 0; n <= 120; n++) {
                BitSet mask = TrainTestSplit.testMask(n, n % 3, n, f);
                assertEquals(Math.round(n * f), mask.cardinality(), "n=" + n + " f=" + f);
                assertEquals(TrainTestSplit.testCount(n, f), mask.cardinality());
                assertTrue(mask.length() <= n, "members must be indices < n");
            }
        }
    }

    @Test
    void smallPartitions() {
        assertEquals(new BitSet(), TrainTestSplit.testMask(1, 0, 0, 0.2));
        assertEquals(0, TrainTestSplit.testMask(1, 0, 1, 0.2).cardinality()); // round(0.2) = 0
        assertEquals(0, TrainTestSplit.testMask(1, 0, 2, 0.2).cardinality()); // round(0.4) = 0
        assertEquals(1, TrainTestSplit.testMask(1, 0, 3, 0.2).cardinality()); // round(0.6) = 1
        assertEquals(1, TrainTestSplit.testMask(1, 0, 1, 0.5).cardinality()); // round(0.5) = 1
    }

    @Test
    void everyIndexIsEquallyLikelyToBeChosen() {
        int[] hits = new int[10];
        int trials = 3000;
        for (int seed = 0; seed < trials; seed++) {
            BitSet mask = TrainTestSplit.testMask(seed, 0, 10, 0.3);
            for (int i = mask.nextSetBit(0); i >= 0; i = mask.nextSetBit(i + 1)) {
                hits[i]++;
            }
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(0.3, hits[i] / (double) trials, 0.04, "index " + i);
        }
    }

    @Test
    void theSplitIsPinned() {
        // A changed split silently changes every reported test accuracy: change this deliberately.
        assertEquals("{3, 4, 8}", TrainTestSplit.testMask(2024, 1, 12, 0.25).toString());
    }

    @Test
    void rejectsInvalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> TrainTestSplit.testMask(1, 0, -1, 0.2));
        assertThrows(IllegalArgumentException.class, () -> TrainTestSplit.testMask(1, 0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> TrainTestSplit.testMask(1, 0, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> TrainTestSplit.testMask(1, 0, 10, Double.NaN));
    }
}
