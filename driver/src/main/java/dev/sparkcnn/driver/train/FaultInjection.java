package dev.sparkcnn.driver.train;

import java.io.Serializable;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;

/**
 * A test hook: make one task fail once, to show that Spark's retry (a task retry for parameter
 * averaging, a whole-stage retry for gradient sharing's barrier stage) recovers. Set with
 * {@code --conf spark.sparkcnn.test.failTask=<round>:<partition>} (round 1-based as in the log,
 * partition 0-based); the task throws only in its first attempt of the stage's first attempt.
 * {@code spark.sparkcnn.test.failOnce=<round>:<partition>} instead fails that task the first time it
 * runs in its JVM, whatever the job: in local mode, where a task failure fails the job, that is a
 * failure only the driver's {@code --restarts} recovers from.
 */
public final class FaultInjection implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The Spark configuration key. */
    public static final String KEY = "spark.sparkcnn.test.failTask";
    /** The Spark configuration key of the once-per-JVM failure. */
    public static final String ONCE_KEY = "spark.sparkcnn.test.failOnce";

    private static final FaultInjection NONE = new FaultInjection(-1, -1, false);
    private static final java.util.Set<String> FAILED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final int round;
    private final int partition;
    private final boolean once;

    private FaultInjection(int round, int partition, boolean once) {
        this.round = round;
        this.partition = partition;
        this.once = once;
    }

    /** The injection configured in {@code conf}, or none. */
    public static FaultInjection from(SparkConf conf) {
        boolean once = conf.contains(ONCE_KEY);
        String key = once ? ONCE_KEY : KEY;
        String value = conf.get(key, "");
        if (value.isBlank()) {
            return NONE;
        }
        String[] parts = value.split(":");
        try {
            if (parts.length == 2) {
                return new FaultInjection(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()), once);
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(key + "=" + value + " is not <round>:<partition>, e.g. 2:1");
    }

    /** Throws if this is the task chosen to fail, in its first attempt. */
    void maybeFail(int currentRound, int currentPartition) {
        if (once && currentRound == round && currentPartition == partition
                && FAILED.add(round + ":" + partition)) {
            throw new IllegalStateException("injected failure (" + ONCE_KEY + ") in round " + round + ", partition "
                    + partition);
        }
        TaskContext task = TaskContext.get();
        if (!once && currentRound == round && currentPartition == partition && task != null && task.attemptNumber() == 0
                && task.stageAttemptNumber() == 0) {
            throw new IllegalStateException("injected failure (" + KEY + ") in round " + round + ", partition "
                    + partition);
        }
    }
}
