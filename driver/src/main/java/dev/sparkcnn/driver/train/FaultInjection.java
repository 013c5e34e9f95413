package dev.sparkcnn.driver.train;

import java.io.Serializable;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;

/**
 * A test hook: make one task fail once, to show that Spark's retry (a task retry for parameter
 * averaging, a whole-stage retry for gradient sharing's barrier stage) recovers. Set with
 * {@code --conf spark.sparkcnn.test.failTask=<round>:<partition>} (round 1-based as in the log,
 * partition 0-based); the task throws only in its first attempt of the stage's first attempt.
 */
public final class FaultInjection implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The Spark configuration key. */
    public static final String KEY = "spark.sparkcnn.test.failTask";

    private static final FaultInjection NONE = new FaultInjection(-1, -1);

    private final int round;
    private final int partition;

    private FaultInjection(int round, int partition) {
        this.round = round;
        this.partition = partition;
    }

    /** The injection configured in {@code conf}, or none. */
    public static FaultInjection from(SparkConf conf) {
        String value = conf.get(KEY, "");
        if (value.isBlank()) {
            return NONE;
        }
        String[] parts = value.split(":");
        try {
            if (parts.length == 2) {
                return new FaultInjection(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(KEY + "=" + value + " is not <round>:<partition>, e.g. 2:1");
    }

    /** Throws if this is the task chosen to fail, in its first attempt. */
    void maybeFail(int currentRound, int currentPartition) {
        TaskContext task = TaskContext.get();
        if (currentRound == round && currentPartition == partition && task != null && task.attemptNumber() == 0
                && task.stageAttemptNumber() == 0) {
            throw new IllegalStateException("injected failure (" + KEY + ") in round " + round + ", partition "
                    + partition);
        }
    }
}
