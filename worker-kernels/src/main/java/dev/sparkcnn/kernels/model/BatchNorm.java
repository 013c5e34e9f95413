package dev.sparkcnn.kernels.model;

import java.util.List;

/**
 * Batch normalization per channel (per feature after flattening). Parameters, each
 * {@code [channels]}: scale (1) and shift (0), trained; then running mean (0) and running variance
 * (1), not trained: updated by the forward pass in training as {@code running = momentum * running
 * + (1 - momentum) * batch} (DL4J's decay and Keras' momentum; PyTorch's momentum 0.1 is 0.9 here)
 * and used in inference.
 *
 * @param momentum the running statistics' decay, in [0, 1)
 * @param epsilon  added to the variance, &gt; 0
 */
public record BatchNorm(double momentum, double epsilon) implements LayerSpec {

    /** PyTorch's defaults (momentum 0.1 in its convention). */
    public static final BatchNorm DEFAULT = new BatchNorm(0.9, 1e-5);

    public BatchNorm {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new Invalid("momentum", "must be in [0, 1), got " + momentum);
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new Invalid("epsilon", "must be a finite number > 0, got " + epsilon);
        }
    }

    @Override
    public String type() {
        return "batchnorm";
    }

    @Override
    public Shape outputShape(Shape in, int classes) {
        return in;
    }

    @Override
    public List<ParamArray> params(Shape in, int classes, String name, WeightInit init) {
        int c = in.channels();
        return List.of(ParamArray.constant(name + "gamma", WeightInit.ONE, c),
                ParamArray.constant(name + "beta", WeightInit.ZERO, c),
                new ParamArray(name + "mean", new long[]{c}, 'c', false, WeightInit.ZERO, 0, 0),
                new ParamArray(name + "var", new long[]{c}, 'c', false, WeightInit.ONE, 0, 0));
    }

    @Override
    public String describe() {
        return type();
    }
}
