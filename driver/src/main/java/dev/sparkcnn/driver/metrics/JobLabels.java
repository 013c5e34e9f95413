package dev.sparkcnn.driver.metrics;

import org.apache.spark.api.java.JavaSparkContext;

/**
 * The one place that names a run's Spark jobs. Strategies call {@link #round} before the job of a
 * round, so the web UI's job list and the event log read like the round log: the job group is
 * {@code sparkcnn-round-N} and the description names strategy, round, epoch and K. Spark keeps
 * both as thread-local properties of the calling (driver) thread until they are set again.
 */
public final class JobLabels {
    /** Prefix of every job group this class sets. */
    public static final String GROUP_PREFIX = "sparkcnn-";

    private JobLabels() {
    }

    /** The description of a round's job, e.g. {@code parameter-averaging round 3 epoch 1 K=5}. */
    public static String roundDescription(String strategy, int round, int epoch, int k) {
        return strategy + " round " + round + " epoch " + epoch + " K=" + k;
    }

    /**
     * Labels the jobs this thread starts next as round {@code round} (1-based over the run) of
     * epoch {@code epoch} (1-based), with {@code k} local steps per exchange.
     */
    public static void round(JavaSparkContext sc, String strategy, int round, int epoch, int k) {
        String description = roundDescription(strategy, round, epoch, k);
        sc.setJobGroup(GROUP_PREFIX + "round-" + round, description, false);
        sc.setJobDescription(description);
    }

    /** Labels the jobs this thread starts next as a phase outside the rounds (e.g. {@code evaluation}). */
    public static void phase(JavaSparkContext sc, String phase) {
        sc.setJobGroup(GROUP_PREFIX + phase, phase, false);
        sc.setJobDescription(phase);
    }
}
