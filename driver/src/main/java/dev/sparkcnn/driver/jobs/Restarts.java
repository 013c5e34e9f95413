package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.datasets.UsageException;
import dev.sparkcnn.driver.train.RoundListener;
import dev.sparkcnn.driver.train.TrainingResult;
import dev.sparkcnn.driver.train.TrainingRun;
import dev.sparkcnn.driver.train.TrainingStart;
import dev.sparkcnn.driver.train.TrainingStrategy;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a strategy and, after an infrastructure failure (a job Spark gave up on: lost executors,
 * failed fetches, I/O), restarts it from the last checkpoint, at most {@code --restarts} times.
 * Bad input and bad options (the project's {@link InvalidDataException} and {@link UsageException},
 * and so {@code ConfigException}, also when a task threw them) and a diverged loss are never
 * retried: they would fail the same way again.
 */
final class Restarts {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");
    /** How a task's exception reads once Spark has turned it into text. */
    private static final List<String> NOT_RETRIED = List.of(InvalidDataException.class.getName() + ": ",
            "dev.sparkcnn.driver.config.ConfigException: ", UsageException.class.getName() + ": ",
            "loss became ");

    private Restarts() {
    }

    /**
     * @param epochs      the run's per-epoch figures: heard after {@code logger}, before the
     *                    checkpoints, and rewound with them
     * @param checkpoints the run's checkpoint writer (restarts go back to its newest checkpoint),
     *                    or null: restarts go back to {@code start}
     */
    static TrainingResult fit(TrainingStrategy strategy, JavaSparkContext sc, JavaRDD<ImageRecord> train,
                              long largestPartition, TrainingStart start, TrainingRun run, RoundListener logger,
                              EpochValidation epochs, Checkpointer checkpoints, int restarts) {
        RoundListener listener = checkpoints == null ? logger.andThen(epochs)
                : logger.andThen(epochs).andThen(checkpoints);
        TrainingStart from = start;
        for (int attempt = 1; ; attempt++) {
            try {
                return strategy.fit(sc, train, largestPartition, from, run, listener);
            } catch (Exception e) { // SparkException is checked, yet thrown undeclared
                String last = checkpoints == null ? null : checkpoints.lastWritten();
                if (attempt > restarts || !retryable(e)) {
                    throw Divergence.explain(e, last);
                }
                if (checkpoints == null) {
                    epochs.restore(null);
                }
                from = checkpoints == null ? start : checkpoints.rewind(start);
                LOG.warn("training failed: {}; restart {} of {} after round {} ({})", firstLine(e), attempt, restarts,
                        from.completedRounds(), last == null ? "no checkpoint yet" : last);
            }
        }
    }

    /** False for bad input, bad options and divergence, wherever in the cause chain or task text. */
    static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidDataException || t instanceof UsageException) {
                return false;
            }
            String message = String.valueOf(t.getMessage());
            if (NOT_RETRIED.stream().anyMatch(message::contains)) {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(Throwable e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
    }
}
