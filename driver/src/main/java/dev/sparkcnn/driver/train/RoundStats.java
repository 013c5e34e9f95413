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
 *                        step; null when it was not measured (engine dl4j, gradient sharing)
 * @param exchangeRatio   gradient sharing: bytes each worker sent per step, divided by the dense parameter
 *                        bytes (1 = the whole vector every step); {@code null} for parameter averaging
 */
public record RoundStats(int round, int epoch, double loss, long examples, double seconds, double imagesPerSecond,
                         Double accuracy, Double exchangeRatio) {

    /** The stats of a round that reduced to {@code sum} in {@code nanos}. */
    static RoundStats of(int round, int epoch, WeightedSum sum, long nanos) {
        return of(round, epoch, sum, nanos, null);
    }

    /** As {@link #of(int, int, WeightedSum, long)}, with the round's exchange ratio. */
    static RoundStats of(int round, int epoch, WeightedSum sum, long nanos, Double exchangeRatio) {
        double seconds = nanos / 1e9;
        double accuracy = sum.accuracy();
        return new RoundStats(round, epoch, sum.meanLoss(), sum.examples(), seconds, sum.examples() / seconds,
                Double.isNaN(accuracy) ? null : accuracy, exchangeRatio);
    }
}
