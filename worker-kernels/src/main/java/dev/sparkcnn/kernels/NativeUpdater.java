package dev.sparkcnn.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.NesterovsUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The optimizers of the {@code native} engine, on the whole flat gradient at once through the same
 * libnd4j updater ops DL4J's updaters call, with DL4J's state layout for a network whose layers
 * share one updater configuration (one block): Adam's first moments then second moments, or
 * Nesterov momentum's velocity.
 */
abstract sealed class NativeUpdater {

    /** Updater state values for {@code numParams} parameters. */
    abstract long stateSize(long numParams);

    /** Turns the gradient into the update (in place) and advances the state; the iteration is 0-based. */
    abstract void apply(INDArray gradient, INDArray state, long iteration);

    /** DL4J's {@code Adam} with its default betas and epsilon. */
    static final class AdamRule extends NativeUpdater {
        private final double learningRate;

        AdamRule(double learningRate) {
            this.learningRate = learningRate;
        }

        @Override
        long stateSize(long numParams) {
            return 2 * numParams;
        }

        @Override
        void apply(INDArray gradient, INDArray state, long iteration) {
            long n = gradient.length();
            INDArray m = NativeLayer.view(state, 0, n);
            INDArray v = NativeLayer.view(state, n, n);
            Nd4j.exec(new AdamUpdater(gradient, v, m, learningRate, Adam.DEFAULT_ADAM_BETA1_MEAN_DECAY,
                    Adam.DEFAULT_ADAM_BETA2_VAR_DECAY, Adam.DEFAULT_ADAM_EPSILON, Math.toIntExact(iteration)));
        }
    }

    /** DL4J's {@code Sgd}: the update is the learning rate times the gradient. */
    static final class SgdRule extends NativeUpdater {
        private final double learningRate;

        SgdRule(double learningRate) {
            this.learningRate = learningRate;
        }

        @Override
        long stateSize(long numParams) {
            return 0;
        }

        @Override
        void apply(INDArray gradient, INDArray state, long iteration) {
            gradient.muli(learningRate);
        }
    }

    /** DL4J's {@code Nesterovs}. */
    static final class NesterovsRule extends NativeUpdater {
        private final double learningRate;
        private final double momentum;

        NesterovsRule(double learningRate, double momentum) {
            this.learningRate = learningRate;
            this.momentum = momentum;
        }

        @Override
        long stateSize(long numParams) {
            return numParams;
        }

        @Override
        void apply(INDArray gradient, INDArray state, long iteration) {
            Nd4j.exec(new NesterovsUpdater(gradient, state, learningRate, momentum));
        }
    }
}
