package dev.sparkcnn.kernels.optim;

import dev.sparkcnn.kernels.model.ModelSpec;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.NesterovsUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The optimizers of the {@code native} engine, on the whole flat gradient at once through the same
 * libnd4j updater ops DL4J's updaters call, with DL4J's state layout for a network whose layers
 * share one updater configuration (one block): Adam's first moments then second moments, or
 * Nesterov momentum's velocity. Both engines run these, so their updates agree value for value.
 */
public abstract sealed class UpdaterRule {

    /** The rule of a spec's {@linkplain ModelSpec#effectiveOptimizer() optimizer} and learning rate. */
    public static UpdaterRule of(ModelSpec spec) {
        return switch (spec.effectiveOptimizer()) {
            case ADAM -> new AdamRule(spec.learningRate());
            case NESTEROVS -> new NesterovsRule(spec.learningRate(), Optimizer.MOMENTUM);
            case SGD -> new SgdRule(spec.learningRate());
        };
    }

    /** Updater state values for {@code numParams} parameters. */
    public abstract long stateSize(long numParams);

    /**
     * Turns the gradient into the update (in place) and advances the state (a flat 1-d array of
     * {@link #stateSize} values, {@code null} when that is 0); the iteration is 0-based.
     */
    public abstract void apply(INDArray gradient, INDArray state, long iteration);

    /** DL4J's {@code Adam} with its default betas and epsilon. */
    private static final class AdamRule extends UpdaterRule {
        private final double learningRate;

        AdamRule(double learningRate) {
            this.learningRate = learningRate;
        }

        @Override
        public long stateSize(long numParams) {
            return 2 * numParams;
        }

        @Override
        public void apply(INDArray gradient, INDArray state, long iteration) {
            long n = gradient.length();
            INDArray m = half(state, 0, n);
            INDArray v = half(state, n, n);
            Nd4j.exec(new AdamUpdater(gradient, v, m, learningRate, Adam.DEFAULT_ADAM_BETA1_MEAN_DECAY,
                    Adam.DEFAULT_ADAM_BETA2_VAR_DECAY, Adam.DEFAULT_ADAM_EPSILON, Math.toIntExact(iteration)));
        }
    }

    /** DL4J's {@code Sgd}: the update is the learning rate times the gradient. */
    private static final class SgdRule extends UpdaterRule {
        private final double learningRate;

        SgdRule(double learningRate) {
            this.learningRate = learningRate;
        }

        @Override
        public long stateSize(long numParams) {
            return 0;
        }

        @Override
        public void apply(INDArray gradient, INDArray state, long iteration) {
            gradient.muli(learningRate);
        }
    }

    /** DL4J's {@code Nesterovs}. */
    private static final class NesterovsRule extends UpdaterRule {
        private final double learningRate;
        private final double momentum;

        NesterovsRule(double learningRate, double momentum) {
            this.learningRate = learningRate;
            this.momentum = momentum;
        }

        @Override
        public long stateSize(long numParams) {
            return numParams;
        }

        @Override
        public void apply(INDArray gradient, INDArray state, long iteration) {
            Nd4j.exec(new NesterovsUpdater(gradient, state, learningRate, momentum));
        }
    }

    /** {@code length} values of a flat state buffer from {@code offset}, as a view. */
    private static INDArray half(INDArray state, long offset, long length) {
        return Nd4j.create(state.data(), new long[]{length}, new long[]{1}, offset, 'c');
    }
}
