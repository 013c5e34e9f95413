package dev.sparkcnn.driver.bench;

import dev.sparkcnn.driver.jobs.Metrics;
import dev.sparkcnn.driver.train.RoundStats;
import java.util.List;

/** A benchmarked run's rounds after the first (which starts executors and reads the data), and their images/s. */
final class SteadyRounds {

    private SteadyRounds() {
    }

    /** The rounds after the first; the only round if there is one. */
    static List<RoundStats> of(Metrics metrics) {
        List<RoundStats> rounds = metrics.rounds();
        return rounds.subList(Math.min(1, rounds.size() - 1), rounds.size());
    }

    /** Training images per second over those rounds. */
    static double imagesPerSecond(Metrics metrics) {
        List<RoundStats> steady = of(metrics);
        double seconds = steady.stream().mapToDouble(RoundStats::seconds).sum();
        long images = steady.stream().mapToLong(RoundStats::examples).sum();
        return images / seconds;
    }
}
