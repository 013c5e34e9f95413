package dev.sparkcnn.datasets;

import java.util.List;
import java.util.Random;

/**
 * Derives independent, reproducible random streams from (seed, epoch, partition) so that every
 * random choice (split, shuffle, augmentation, synthetic data) depends only on those numbers and
 * never on a shared or global RNG, thread scheduling, or which executor ran a task.
 *
 * <p>Streams are {@link java.util.Random}: familiar, serializable and good enough for shuffling
 * and augmentation. Each one is seeded with {@link #mix} of its coordinates, so neighbouring
 * coordinates (partition 3 vs 4) give unrelated streams.
 */
public final class Seeds {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Seeds() {
    }

    /**
     * Hashes all parts into one well-mixed 64-bit value (SplitMix64 finaliser applied after
     * absorbing each part). Deterministic and order-sensitive: {@code mix(a, b) != mix(b, a)} in
     * general, and {@code mix(a) != mix(a, 0)}.
     */
    public static long mix(long... parts) {
        long h = splitMix64(parts.length);
        for (long part : parts) {
            h = splitMix64(h + GOLDEN_GAMMA);
            h = splitMix64(h ^ part);
        }
        return h;
    }

    /** A new RNG for one (seed, epoch, partition); the same triple always yields the same stream. */
    public static Random random(long seed, long epoch, long partition) {
        return new Random(mix(seed, epoch, partition));
    }

    /**
     * Shuffles {@code list} in place with a Fisher–Yates shuffle driven by
     * {@link #random random(seed, epoch, partition)}. The permutation depends only on the list size
     * and the three numbers, not on the JDK's {@code Collections.shuffle} implementation.
     *
     * @param list a mutable list; random-access lists are shuffled without copying
     */
    public static <T> void shuffle(List<T> list, long seed, long epoch, long partition) {
        Random rnd = random(seed, epoch, partition);
        if (list instanceof java.util.RandomAccess) {
            for (int i = list.size() - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                list.set(i, list.set(j, list.get(i)));
            }
            return;
        }
        @SuppressWarnings("unchecked")
        T[] items = (T[]) list.toArray();
        for (int i = items.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            T t = items[i];
            items[i] = items[j];
            items[j] = t;
        }
        java.util.ListIterator<T> it = list.listIterator();
        for (T item : items) {
            it.next();
            it.set(item);
        }
    }

    /** The SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit avalanche mix. */
    private static long splitMix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
