package dev.sparkcnn.driver.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.sparkcnn.driver.train.EpochStats;
import dev.sparkcnn.driver.train.RoundListener;
import dev.sparkcnn.driver.train.RoundStats;
import dev.sparkcnn.kernels.ModelState;
import org.apache.spark.SparkEnv;
import org.apache.spark.metrics.source.Source;

/**
 * The driver's source in Spark's metrics system ({@code sparkcnn.*}): gauges of the last finished
 * round — round, epoch, loss, training accuracy (NaN when not measured), images/s, and the bytes a
 * worker sent per step (gradient sharing's measured exchange ratio × the parameter bytes; 0 when
 * the strategy does not measure it) — and of the last held-out evaluation at an epoch's end:
 * its epoch (0 before the first), loss and accuracy (NaN before the first). Registered as a round
 * listener, it updates on every round, and on every epoch through {@link #epochFinished}; the sinks
 * configured for the driver ({@code spark.metrics.conf.*}) report it.
 *
 * <p>Spark's {@code Source} trait and {@code MetricsSystem} are {@code private[spark]} in Scala,
 * which the JVM does not enforce: implementing the trait from Java and registering through
 * {@code SparkEnv.get().metricsSystem()} is how Spark's own Java-facing sources attach.
 */
public final class TrainingSource implements Source, RoundListener {
    /** The source's name: metric names are {@code <app id>.driver.sparkcnn.<gauge>}. */
    public static final String NAME = "sparkcnn";

    private final MetricRegistry registry = new MetricRegistry();
    private volatile RoundStats last;
    private volatile long exchangeBytes;
    private volatile EpochStats lastValidated;

    public TrainingSource() {
        registry.register("round", (Gauge<Integer>) () -> last == null ? 0 : last.round());
        registry.register("epoch", (Gauge<Integer>) () -> last == null ? 0 : last.epoch());
        registry.register("loss", (Gauge<Double>) () -> last == null ? Double.NaN : last.loss());
        registry.register("accuracy", (Gauge<Double>) () -> last == null || last.accuracy() == null ? Double.NaN
                : last.accuracy());
        registry.register("imagesPerSecond", (Gauge<Double>) () -> last == null ? 0 : last.imagesPerSecond());
        registry.register("exchangeBytesPerStep", (Gauge<Long>) () -> exchangeBytes);
        registry.register("heldOutEpoch", (Gauge<Integer>) () -> lastValidated == null ? 0 : lastValidated.epoch());
        registry.register("heldOutLoss", (Gauge<Double>) () -> lastValidated == null ? Double.NaN
                : lastValidated.heldOutLoss());
        registry.register("heldOutAccuracy", (Gauge<Double>) () -> lastValidated == null ? Double.NaN
                : lastValidated.heldOutAccuracy());
    }

    /** Registers a new source with the running Spark's metrics system (on the driver). */
    public static TrainingSource register() {
        TrainingSource source = new TrainingSource();
        SparkEnv.get().metricsSystem().registerSource(source);
        return source;
    }

    @Override
    public String sourceName() {
        return NAME;
    }

    @Override
    public MetricRegistry metricRegistry() {
        return registry;
    }

    @Override
    public void roundFinished(RoundStats stats, int totalRounds, ModelState state) {
        exchangeBytes = stats.exchangeRatio() == null ? 0
                : Math.round(stats.exchangeRatio() * state.params().length * Float.BYTES);
        last = stats;
    }

    /** An epoch ended: its held-out figures become the gauges' if it was evaluated. */
    public void epochFinished(EpochStats epoch) {
        if (epoch.validated()) {
            lastValidated = epoch;
        }
    }
}
