package dev.sparkcnn.driver.train;

/**
 * One round as the driver saw it; the per-round entries of {@code metrics.json}.
 *
 * @param round           1-based round number over the whole run
 * @param epoch           1-based epoch the round belongs to
 * @param loss            mean training loss over the round's examples
 * @param examples        training examples processed in the round, all partitions
 * @param seconds         wall time of the round
 * @param imagesPerSecond examples / seconds
 * @param accuracy        fraction of the round's training examples classified right before their
 *                        step; null when the engine does not measure it (dl4j)
 */
public record RoundStats(int round, int epoch, double loss, long examples, double seconds, double imagesPerSecond,
                         Double accuracy) {

    /** The stats of a round that reduced to {@code sum} in {@code nanos}. */
    static RoundStats of(int round, int epoch, WeightedSum sum, long nanos) {
        double seconds = nanos / 1e9;
        double accuracy = sum.accuracy();
        return new RoundStats(round, epoch, sum.meanLoss(), sum.examples(), seconds, sum.examples() / seconds,
                Double.isNaN(accuracy) ? null : accuracy);
    }
}
