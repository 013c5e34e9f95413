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
 *
 * <p>The learning rate of each step comes from the spec's {@link TrainingOptions#rate schedule} at
 * the step's iteration; weight decay ({@link WeightDecay}) is L2 before the update rule for SGD and
 * Nesterov momentum, and decoupled after it for Adam (AdamW), as DL4J's {@code l2} and
 * {@code weightDecay(coeff, true)} apply them.
 */
public abstract sealed class UpdaterRule {

    private final ModelSpec spec;
    private final WeightDecay decay;

    private UpdaterRule(ModelSpec spec) {
        this.spec = spec;
        this.decay = WeightDecay.of(spec);
    }

    /** The rule of a spec's {@linkplain ModelSpec#effectiveOptimizer() optimizer}, learning rate and options. */
    public static UpdaterRule of(ModelSpec spec) {
        return switch (spec.effectiveOptimizer()) {
            case ADAM -> new AdamRule(spec);
            case NESTEROVS -> new NesterovsRule(spec, Optimizer.MOMENTUM);
            case SGD -> new SgdRule(spec);
        };
    }

    /** The learning rate of the step at {@code iteration} (0-based). */
    public double learningRate(long iteration) {
        return spec.training().rate(spec.learningRate(), iteration);
    }

    /** Updater state values for {@code numParams} parameters. */
    public abstract long stateSize(long numParams);

    /**
     * Turns the gradient into the update (in place; the caller then subtracts it from the
     * parameters) and advances the state (a flat 1-d array of {@link #stateSize} values,
     * {@code null} when that is 0); the iteration is 0-based. {@code params} are read for weight
     * decay only.
     */
    public abstract void apply(INDArray gradient, INDArray params, INDArray state, long iteration);

    /** DL4J's {@code Adam} with its default betas and epsilon; decoupled weight decay (AdamW). */
    private static final class AdamRule extends UpdaterRule {
        AdamRule(ModelSpec spec) {
            super(spec);
        }

        @Override
        public long stateSize(long numParams) {
            return 2 * numParams;
        }

        @Override
        public void apply(INDArray gradient, INDArray params, INDArray state, long iteration) {
            long n = gradient.length();
            INDArray m = half(state, 0, n);
            INDArray v = half(state, n, n);
            double lr = learningRate(iteration);
            Nd4j.exec(new AdamUpdater(gradient, v, m, lr, Adam.DEFAULT_ADAM_BETA1_MEAN_DECAY,
                    Adam.DEFAULT_ADAM_BETA2_VAR_DECAY, Adam.DEFAULT_ADAM_EPSILON, Math.toIntExact(iteration)));
            super.decay.add(gradient, params, lr);
        }
    }

    /** DL4J's {@code Sgd}: the update is the learning rate times the (L2-decayed) gradient. */
    private static final class SgdRule extends UpdaterRule {
        SgdRule(ModelSpec spec) {
            super(spec);
        }

        @Override
        public long stateSize(long numParams) {
            return 0;
        }

        @Override
        public void apply(INDArray gradient, INDArray params, INDArray state, long iteration) {
            super.decay.add(gradient, params, 1);
            gradient.muli(learningRate(iteration));
        }
    }

    /** DL4J's {@code Nesterovs}, on the L2-decayed gradient. */
    private static final class NesterovsRule extends UpdaterRule {
        private final double momentum;

        NesterovsRule(ModelSpec spec, double momentum) {
            super(spec);
            this.momentum = momentum;
        }

        @Override
        public long stateSize(long numParams) {
            return numParams;
        }

        @Override
        public void apply(INDArray gradient, INDArray params, INDArray state, long iteration) {
            super.decay.add(gradient, params, 1);
            Nd4j.exec(new NesterovsUpdater(gradient, state, learningRate(iteration), momentum));
        }
    }

    /** {@code length} values of a flat state buffer from {@code offset}, as a view. */
    private static INDArray half(INDArray state, long offset, long length) {
        return Nd4j.create(state.data(), new long[]{length}, new long[]{1}, offset, 'c');
    }
}
