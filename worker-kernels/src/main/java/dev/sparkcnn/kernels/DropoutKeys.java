package dev.sparkcnn.kernels;

/**
 * The keys of a training step's random draws (dropout masks), the same for every engine: a mix of
 * (the run's seed, the data partition, the optimizer's iteration count), so that runs are
 * reproducible, partitions draw different masks, one partition draws what the single-process
 * trainer draws, and an epoch (the iteration runs on across epochs and resumes) draws new ones.
 * The mixes are SplitMix64 finalisers.
 */
public final class DropoutKeys {

    private DropoutKeys() {
    }

    /** The key of one step's draws. */
    public static long step(long seed, int partition, long iteration) {
        return mix(mix(mix(seed) ^ partition) ^ iteration);
    }

    /** The key of row {@code row}'s draws within a step (engine native draws each row's mask on its own). */
    public static long row(long stepKey, int row) {
        return mix(stepKey ^ row);
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
