package dev.sparkcnn.driver.train;

import dev.sparkcnn.driver.config.GradientSharingSettings;
import dev.sparkcnn.kernels.sync.Exchange;
import dev.sparkcnn.kernels.sync.SyncTrainer;

/**
 * Gradient sharing (synchronous data parallelism): every partition is a replica; all replicas take
 * each step together and apply the same combined update ({@link SyncTrainer#train}), so training
 * behaves like one process with the summed batch. Runs as {@link BarrierStrategy}: one barrier
 * stage per epoch.
 */
public final class GradientSharing extends BarrierStrategy {
    private final Exchange.Options options;

    public GradientSharing(Exchange.Options options) {
        this.options = options;
    }

    /** The kernels' exchange for the configured one. */
    public GradientSharing(GradientSharingSettings settings) {
        this(new Exchange.Options(switch (settings.exchange()) {
            case DENSE -> Exchange.DENSE;
            case THRESHOLD -> Exchange.THRESHOLD;
        }, settings.density(), settings.verifyReplicas()));
    }

    @Override
    ReplicaSteps replicaSteps() {
        Exchange.Options o = options; // captured alone: the strategy itself is not shipped
        return (net, start, batches, steps, ring) -> SyncTrainer.train(net, start, batches, steps, ring, o);
    }

    @Override
    String exchangeName() {
        return options.exchange().id();
    }

    @Override
    String description() {
        return "gradient sharing";
    }

    @Override
    String jobLabel() {
        return "gradient-sharing " + options.exchange().id();
    }

    @Override
    int averagingFrequency() {
        return 1;
    }
}
