package dev.sparkcnn.kernels.nativeengine;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A float convolution's oneDNN primitives for one batch size, on the native engine's NHWC arrays:
 * the direct kernels ({@link DnnlConv}) or Winograd's ({@link DnnlWinogradConv}).
 */
interface DnnlConvolution extends AutoCloseable {

    /** {@code output = conv(input, weights) + bias}, NHWC; {@code bias} null without one. */
    void forward(INDArray input, INDArray weights, INDArray biasValues, INDArray output);

    /**
     * The weight (and bias) gradients and, if built with it, the input gradient, for the input and
     * weights of the last {@link #forward}.
     */
    void backward(INDArray input, INDArray weights, INDArray outputGradient, INDArray inputGradient,
                  INDArray weightGradient, INDArray biasGradientValues);

    /** Whether these are oneDNN's Winograd kernels. */
    boolean winograd();

    @Override
    void close();
}
