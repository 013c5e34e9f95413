package dev.sparkcnn.driver.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.driver.config.ConfigException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a loader on mutated inputs, each with its own time-out, for at least {@code minInputs}
 * inputs and at most a time budget. An input passes when it loads or fails with one of the
 * project's own exceptions ({@link InvalidDataException}, {@link ConfigException}) carrying a
 * message; anything else (another unchecked exception, an error such as OutOfMemoryError, a hang)
 * fails the test with the input's index and bytes.
 */
public final class FuzzRunner {
    static final Duration PER_INPUT = Duration.ofSeconds(10);
    static final Duration BUDGET = Duration.ofSeconds(20);

    /** What one input is: the bytes to write and the check that loads them. */
    public interface Loader {
        void load(byte[] input) throws Exception;
    }

    /** Counts of one run. */
    public record Result(int inputs, int loaded, int refused) {
    }

    private FuzzRunner() {
    }

    public static Result run(String name, int minInputs, java.util.function.IntFunction<byte[]> inputs,
                             Loader loader) {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-" + name);
            t.setDaemon(true);
            return t;
        });
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int loaded = 0;
        int refused = 0;
        int i = 0;
        try {
            for (; i < minInputs || System.nanoTime() < deadline && i < 2 * minInputs; i++) {
                if (System.nanoTime() > deadline + BUDGET.toNanos()) {
                    fail(name + ": only " + i + " inputs in twice the time budget of " + BUDGET);
                }
                byte[] input = inputs.apply(i);
                Future<?> f = worker.submit(() -> {
                    loader.load(input);
                    return null;
                });
                try {
                    f.get(PER_INPUT.toMillis(), TimeUnit.MILLISECONDS);
                    loaded++;
                } catch (TimeoutException e) {
                    f.cancel(true);
                    fail(name + " input " + i + " did not finish within " + PER_INPUT + ": " + show(input));
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if ((cause instanceof InvalidDataException || cause instanceof ConfigException)
                            && cause.getMessage() != null && !cause.getMessage().isBlank()) {
                        refused++;
                    } else {
                        throw new AssertionError(name + " input " + i + " failed with " + cause + " instead of the "
                                + "project's own error: " + show(input), cause);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            worker.shutdownNow();
        }
        assertTrue(i >= minInputs, name + ": " + i + " inputs");
        System.out.printf("fuzz %s: %d inputs, %d loaded, %d refused with a clear error%n", name, i, loaded, refused);
        return new Result(i, loaded, refused);
    }

    private static String show(byte[] input) {
        String hex = HexFormat.of().formatHex(input, 0, Math.min(input.length, 512));
        return input.length + " bytes: " + hex + (input.length > 512 ? "..." : "");
    }
}
