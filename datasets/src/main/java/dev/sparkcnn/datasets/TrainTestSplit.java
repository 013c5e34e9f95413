package dev.sparkcnn.datasets;

import java.util.BitSet;
import java.util.Random;

/**
 * Deterministic per-partition train/test assignment. A partition of {@code n} records gets
 * exactly {@code Math.round(n * testFraction)} test records, chosen uniformly at random by an RNG
 * seeded from (seed, partition) alone, so the split is reproducible across runs, executors and
 * retries as long as the partitioning of the input is the same.
 */
public final class TrainTestSplit {
    /** Fixed salt in the epoch slot of {@link Seeds#random}, so split draws never collide with
     *  shuffling or augmentation draws for epoch 0, 1, ... */
    static final long SPLIT_SALT = 0x5EED_5B17_7E57L;

    private TrainTestSplit() {
    }

    /** The number of test records for a partition of {@code n}: {@code Math.round(n * testFraction)}. */
    public static int testCount(int n, double testFraction) {
        validate(n, testFraction);
        return (int) Math.round(n * testFraction);
    }

    /**
     * The test members of a partition: bit {@code i} is set iff record {@code i} (its position
     * within the partition) belongs to the test set. Exactly {@link #testCount} bits are set,
     * chosen by a partial Fisher–Yates shuffle of {@code 0..n-1}.
     *
     * @param seed         the run's seed
     * @param partition    the partition index
     * @param n            records in the partition, {@code >= 0}
     * @param testFraction fraction of records held out for testing, strictly between 0 and 1
     * @throws IllegalArgumentException if {@code n < 0} or the fraction is not in (0, 1)
     */
    public static BitSet testMask(long seed, int partition, int n, double testFraction) {
        int k = testCount(n, testFraction);
        BitSet mask = new BitSet(n);
        Random rnd = Seeds.random(seed, SPLIT_SALT, partition);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + rnd.nextInt(n - i);
            int chosen = order[j];
            order[j] = order[i];
            order[i] = chosen;
            mask.set(chosen);
        }
        return mask;
    }

    private static void validate(int n, double testFraction) {
        if (n < 0) {
            throw new IllegalArgumentException("partition size must be >= 0, got " + n);
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be strictly between 0 and 1, got "
                    + testFraction + "; use e.g. 0.2 for an 80/20 split");
        }
    }
}
