package dev.sparkcnn.kernels.optim;

import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.ParamArray;
import dev.sparkcnn.kernels.model.ParamLayout;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Weight decay over the flat parameter vector: a coefficient per value, the spec's weight decay on
 * the {@linkplain ParamArray#weight() weights} and 0 everywhere else (biases, batch-norm scale and
 * shift, and the batch-norm running statistics, which the optimizer must never move). Adds
 * {@code factor * coefficient * params} to a gradient or update; does nothing when the decay is 0.
 */
final class WeightDecay {

    private static final WeightDecay NONE = new WeightDecay(null);

    /** Per-value coefficients (double, converted to each target's type on first use), or null. */
    private final double[] coefficients;
    private INDArray typedCoefficients;
    private INDArray scratch;

    private WeightDecay(double[] coefficients) {
        this.coefficients = coefficients;
    }

    static WeightDecay of(ModelSpec spec) {
        double wd = spec.training().weightDecay();
        if (wd == 0) {
            return NONE;
        }
        ParamLayout layout = spec.layout();
        double[] c = new double[Math.toIntExact(layout.numParams())];
        for (int i = 0; i < layout.arrays().size(); i++) {
            ParamArray array = layout.arrays().get(i);
            if (array.weight()) {
                int from = Math.toIntExact(layout.offset(i));
                java.util.Arrays.fill(c, from, from + Math.toIntExact(array.length()), wd);
            }
        }
        return new WeightDecay(c);
    }

    /** {@code target += factor * coefficients * params} (all flat, the same length). */
    void add(INDArray target, INDArray params, double factor) {
        if (coefficients == null) {
            return;
        }
        if (target.length() != coefficients.length || params.length() != coefficients.length) {
            throw new IllegalArgumentException("weight decay over " + coefficients.length + " parameters got "
                    + params.length() + " parameters and " + target.length() + " gradient values");
        }
        if (typedCoefficients == null || typedCoefficients.dataType() != target.dataType()) {
            typedCoefficients = Nd4j.createFromArray(coefficients).castTo(target.dataType());
            scratch = Nd4j.create(target.dataType(), coefficients.length);
        }
        INDArray flatParams = params.reshape(coefficients.length);
        scratch.assign(flatParams).muli(typedCoefficients);
        if (factor != 1) {
            scratch.muli(factor);
        }
        target.reshape(coefficients.length).addi(scratch);
    }
}
