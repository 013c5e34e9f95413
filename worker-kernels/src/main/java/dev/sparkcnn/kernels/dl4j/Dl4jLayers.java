package dev.sparkcnn.kernels.dl4j;

import dev.sparkcnn.kernels.model.Activation;
import dev.sparkcnn.kernels.model.ActivationLayer;
import dev.sparkcnn.kernels.model.BatchNorm;
import dev.sparkcnn.kernels.model.Conv2d;
import dev.sparkcnn.kernels.model.Dense;
import dev.sparkcnn.kernels.model.Dropout;
import dev.sparkcnn.kernels.model.Flatten;
import dev.sparkcnn.kernels.model.GlobalAvgPool;
import dev.sparkcnn.kernels.model.LayerSpec;
import dev.sparkcnn.kernels.model.Padding;
import dev.sparkcnn.kernels.model.Pool2d;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * One plain layer spec as a DL4J layer configuration, with the DL4J parameter keys of the arrays
 * the spec declares, in the spec's order (DL4J's own order within a layer is the same: convolution
 * bias then weights, dense weights then bias, batch norm gamma, beta, mean, variance).
 */
final class Dl4jLayers {

    /** DL4J's keys of a batch-norm layer's arrays: scale, shift, running mean, running variance. */
    static final List<String> BATCH_NORM_KEYS = List.of("gamma", "beta", "mean", "var");

    private Dl4jLayers() {
    }

    /**
     * The DL4J layer of a plain (non-residual) spec, or {@code null} for a flatten (DL4J inserts the
     * CNN-to-dense preprocessor itself, flattening (c, h, w)).
     *
     * @param classes the data's class count, for the output layer's units
     */
    static Layer layer(LayerSpec layer, int classes) {
        if (layer instanceof Conv2d c) {
            return conv(c.filters(), c.kernel(), c.stride(), c.padding(), c.bias(), c.activation());
        }
        if (layer instanceof Pool2d p) {
            return new SubsamplingLayer.Builder(p.max() ? PoolingType.MAX : PoolingType.AVG)
                    .kernelSize(p.size(), p.size()).stride(p.stride(), p.stride())
                    .padding(p.padding().amount(), p.padding().amount()).convolutionMode(mode(p.padding()))
                    .avgPoolIncludePadInDivisor(false).build();
        }
        if (layer instanceof GlobalAvgPool) {
            return new GlobalPoolingLayer.Builder(PoolingType.AVG).build();
        }
        if (layer instanceof BatchNorm b) {
            return batchNorm(b);
        }
        if (layer instanceof Dropout d) {
            // DL4J's argument is the probability of RETAINING a value; rate 0 is no dropout at all
            return d.rate() == 0 ? new DropoutLayer.Builder().dropOut(null).build()
                    : new DropoutLayer.Builder(1 - d.rate()).build();
        }
        if (layer instanceof ActivationLayer a) {
            return activationLayer(a.function());
        }
        if (layer instanceof Dense d) {
            int units = d.units(classes);
            if (d.activation() == Activation.SOFTMAX) {
                return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(units).hasBias(d.bias())
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build();
            }
            return new DenseLayer.Builder().nOut(units).hasBias(d.bias()).activation(activation(d.activation()))
                    .build();
        }
        if (layer instanceof Flatten) {
            return null;
        }
        throw new IllegalArgumentException("DL4J has no layer for type '" + layer.type() + "' here");
    }

    /** The DL4J keys of the arrays {@link LayerSpec#params} declares for a plain spec, in that order. */
    static List<String> keys(LayerSpec layer) {
        if (layer instanceof Conv2d c) {
            return c.bias() ? List.of("b", "W") : List.of("W");
        }
        if (layer instanceof Dense d) {
            return d.bias() ? List.of("W", "b") : List.of("W");
        }
        if (layer instanceof BatchNorm) {
            return BATCH_NORM_KEYS;
        }
        return List.of();
    }

    /** A convolution; 'same' padding is DL4J's Same mode (smaller half of the padding top/left). */
    static Layer conv(int filters, int kernel, int stride, Padding padding, boolean bias, Activation activation) {
        return new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride)
                .padding(padding.amount(), padding.amount()).convolutionMode(mode(padding))
                .nOut(filters).hasBias(bias).activation(activation(activation)).build();
    }

    /**
     * Batch normalization storing the variance itself ({@code useLogStd(false)}: DL4J's default
     * stores log10 of the standard deviation instead, which our layout does not hold). DL4J's
     * {@code decay} is our momentum: {@code running = decay running + (1 - decay) batch}.
     */
    static Layer batchNorm(BatchNorm b) {
        return new BatchNormalization.Builder().decay(b.momentum()).eps(b.epsilon()).useLogStd(false)
                .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build();
    }

    static Layer activationLayer(Activation function) {
        return new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder().activation(activation(function))
                .build();
    }

    private static ConvolutionMode mode(Padding padding) {
        return padding.same() ? ConvolutionMode.Same : ConvolutionMode.Truncate;
    }

    static org.nd4j.linalg.activations.Activation activation(Activation activation) {
        return switch (activation) {
            case IDENTITY -> org.nd4j.linalg.activations.Activation.IDENTITY;
            case RELU -> org.nd4j.linalg.activations.Activation.RELU;
            case LEAKY_RELU -> org.nd4j.linalg.activations.Activation.LEAKYRELU;
            case ELU -> org.nd4j.linalg.activations.Activation.ELU;
            case SIGMOID -> org.nd4j.linalg.activations.Activation.SIGMOID;
            case TANH -> org.nd4j.linalg.activations.Activation.TANH;
            case SOFTMAX -> org.nd4j.linalg.activations.Activation.SOFTMAX;
        };
    }
}
