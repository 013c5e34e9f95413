package dev.sparkcnn.driver.config;

import static dev.sparkcnn.driver.config.Choices.require;

/**
 * Where and how long the run executes.
 *
 * @param master         Spark master URL
 * @param partitions     data partitions (= parallel training tasks)
 * @param epochs         passes over every partition's training split
 * @param seed           seed of every random choice (split, shuffles, initialisation)
 * @param threadsPerTask native threads per task; null = {@code spark.task.cpus}
 * @param restarts       times training restarts from the last checkpoint after an infrastructure
 *                       failure (never after bad input or a diverged loss); null = 0
 * @param storage        where the records are kept between passes; null = {@link Storage#DEFAULT}
 */
public record RunSettings(String master, int partitions, int epochs, long seed, Integer threadsPerTask,
                          Integer restarts, Storage storage) {
    public static final String DEFAULT_MASTER = "local[*]";
    public static final int DEFAULT_PARTITIONS = 2;
    public static final int DEFAULT_EPOCHS = 5;
    public static final long DEFAULT_SEED = 42;

    public RunSettings {
        require(master != null && !master.isBlank(), "--master", "is required, e.g. local[*] or spark://host:7077");
        require(partitions > 0, "--partitions", "must be at least 1, got " + partitions);
        require(epochs > 0, "--epochs", "must be at least 1, got " + epochs);
        require(threadsPerTask == null || threadsPerTask > 0, "--threads-per-task",
                "must be at least 1, got " + threadsPerTask);
        require(restarts == null || restarts >= 0, "--restarts", "must be 0 or more, got " + restarts);
    }

    /** The defaults on {@code master} with {@code partitions} partitions for {@code epochs} epochs. */
    public static RunSettings of(String master, int partitions, int epochs) {
        return new RunSettings(master, partitions, epochs, DEFAULT_SEED, null, null, null);
    }

    /** Where the records are kept between passes, the default when not set. */
    public Storage storageOrDefault() {
        return storage == null ? Storage.DEFAULT : storage;
    }

    /** Restarts allowed after infrastructure failures. */
    public int restartsOrZero() {
        return restarts == null ? 0 : restarts;
    }
}
