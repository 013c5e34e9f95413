package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small seeded mutation fuzzer. Each input is derived from a valid seed file by one to four
 * mutations (bit flips, special bytes and 32-bit values, truncation, deletion, insertion,
 * duplication) drawn from {@code Random(seed, index)}, so any failing input can be rebuilt alone.
 * An input passes when the code under test returns (loads correctly) or throws
 * {@link InvalidDataException} with a short message naming the file; a time-out, any other
 * exception, or an {@link Error} such as {@link OutOfMemoryError} fails it.
 */
public final class Fuzzing {
    /** Mutated inputs per target. */
    public static final int INPUTS = 1000;
    /** Longer than any input needs on a loaded machine; a hang never ends. */
    private static final long PER_INPUT_SECONDS = 20;
    private static final int[] SPECIAL_BYTES = {0, 1, 0x7F, 0x80, 0xFF};
    private static final int[] SPECIAL_INTS = {0, 1, -1, 2, 255, 256, 65535, 65536, 46341, 1 << 20, 1 << 24,
            1 << 27, 1 << 28, 1 << 29, 1 << 30, Integer.MAX_VALUE, Integer.MIN_VALUE};
    private static final int[] SPECIAL_SHORTS = {0, 1, 2, 255, 256, 0x7FFF, 0x8000, 0xFFFF, 46341 & 0xFFFF, 20000};

    /**
     * A size field of the seed's format (an IDX dimension, a PNG width, a JPEG height): a third of the
     * edits write a boundary value into one, big-endian.
     *
     * @param bytes 2 or 4
     */
    public record Field(int offset, int bytes) {
    }

    private Fuzzing() {
    }

    /** One input: build it from {@code rnd} and run the code under test on it. */
    @FunctionalInterface
    public interface Target {
        void run(Random rnd) throws Exception;
    }

    /**
     * Runs {@code inputs} inputs of {@code target} and fails listing the inputs that neither loaded
     * nor failed with a clear {@link InvalidDataException} naming one of {@code fileNames}.
     */
    public static void run(String name, long seed, int inputs, List<String> fileNames, Target target) {
        ExecutorService pool = newPool();
        List<String> failures = new ArrayList<>();
        int loaded = 0;
        int refused = 0;
        long start = System.nanoTime();
        for (int i = 0; i < inputs; i++) {
            Random rnd = new Random(seed * 1_000_003L + i);
            Future<?> f = pool.submit(() -> {
                target.run(rnd);
                return null;
            });
            try {
                f.get(PER_INPUT_SECONDS, TimeUnit.SECONDS);
                loaded++;
            } catch (TimeoutException e) {
                // a hung decoder can leave the JVM unable to collect garbage: stop here rather than pile up
                failures.add("input " + i + ": no result within " + PER_INPUT_SECONDS + " s (a hang); the run stops");
                f.cancel(true);
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                String problem = clearError(cause, fileNames);
                if (problem == null) {
                    refused++;
                } else {
                    failures.add("input " + i + ": " + problem);
                }
            }
        }
        pool.shutdownNow();
        System.out.printf("fuzz %s: %d inputs in %.1f s (heap %d MB): %d loaded, %d refused clearly, %d failed%n",
                name, inputs, (System.nanoTime() - start) / 1e9, Runtime.getRuntime().maxMemory() >> 20, loaded,
                refused, failures.size());
        assertTrue(failures.isEmpty(), name + " (seed " + seed + "): " + failures.size() + " of " + inputs
                + " inputs failed; first ones:\n" + String.join("\n", failures.subList(0, Math.min(8,
                failures.size()))));
        assertTrue(refused > 0, name + ": no input was refused, so the mutations do not reach the checks");
    }

    /** Null when {@code t} is a clear project error; otherwise what is wrong with it. */
    private static String clearError(Throwable t, List<String> fileNames) {
        if (!(t instanceof InvalidDataException)) {
            return t + " at " + Arrays.stream(t.getStackTrace()).limit(6).map(String::valueOf).toList();
        }
        String m = t.getMessage();
        if (m == null || m.isBlank() || m.length() > 2000) {
            return "InvalidDataException with a missing or overlong message (" + (m == null ? 0 : m.length()) + ")";
        }
        if (fileNames.stream().noneMatch(m::contains)) {
            return "InvalidDataException that names no file: " + m;
        }
        return null;
    }

    /**
     * A mutated copy of {@code seed}; half the edits fall in the first {@code hot} bytes (the header),
     * a third write boundary values into the {@code fields}, when given.
     */
    public static byte[] mutate(byte[] seed, Random rnd, int hot, Field... fields) {
        byte[] b = seed.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int k = 0; k < edits && b.length > 0; k++) {
            int pos = rnd.nextBoolean() ? rnd.nextInt(Math.min(hot, b.length)) : rnd.nextInt(b.length);
            if (fields.length > 0 && rnd.nextInt(3) == 0) {
                Field f = fields[rnd.nextInt(fields.length)];
                int v = f.bytes() == 2 ? SPECIAL_SHORTS[rnd.nextInt(SPECIAL_SHORTS.length)]
                        : SPECIAL_INTS[rnd.nextInt(SPECIAL_INTS.length)];
                for (int j = 0; j < f.bytes() && f.offset() + j < b.length; j++) {
                    b[f.offset() + j] = (byte) (v >>> (8 * (f.bytes() - 1 - j)));
                }
                continue;
            }
            switch (rnd.nextInt(8)) {
                case 0, 1 -> b[pos] ^= (byte) (1 << rnd.nextInt(8));
                case 2 -> b[pos] = (byte) SPECIAL_BYTES[rnd.nextInt(SPECIAL_BYTES.length)];
                case 3 -> {
                    int v = SPECIAL_INTS[rnd.nextInt(SPECIAL_INTS.length)];
                    for (int j = 0; j < 4 && pos + j < b.length; j++) {
                        b[pos + j] = (byte) (v >>> (24 - 8 * j));
                    }
                }
                case 4 -> b = Arrays.copyOf(b, pos);
                case 5 -> {
                    int len = Math.min(b.length - pos, 1 + rnd.nextInt(64));
                    byte[] out = new byte[b.length - len];
                    System.arraycopy(b, 0, out, 0, pos);
                    System.arraycopy(b, pos + len, out, pos, b.length - pos - len);
                    b = out;
                }
                case 6 -> {
                    byte[] extra = new byte[1 + rnd.nextInt(64)];
                    rnd.nextBytes(extra);
                    b = splice(b, pos, extra);
                }
                default -> {
                    int from = rnd.nextInt(b.length);
                    int len = Math.min(b.length - from, 1 + rnd.nextInt(128));
                    b = splice(b, pos, Arrays.copyOfRange(b, from, from + len));
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int pos, byte[] extra) {
        byte[] out = new byte[b.length + extra.length];
        System.arraycopy(b, 0, out, 0, pos);
        System.arraycopy(extra, 0, out, pos, extra.length);
        System.arraycopy(b, pos, out, pos + extra.length, b.length - pos);
        return out;
    }

    private static ExecutorService newPool() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-input");
            t.setDaemon(true);
            return t;
        });
    }
}
