package dev.sparkcnn.kernels.nativeengine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.NativeRuntime;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max-pooling that applies the ReLU to the pooled values and masks its output gradient where the
 * pooled value is not positive, in place of the ReLU forward and backward of the convolution or
 * batch norm before it, must give the same pooled output and the same gradients bit for bit (the
 * input makes most ReLU outputs zero, so all-zero windows and ties are common).
 */
class ReluPoolFusionTest {

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    @ParameterizedTest
    @CsvSource({"true,9,9,3,8", "false,8,8,1,4", "true,13,13,4,6"})
    void poolingDoesTheConvolutionsRelu(boolean inputGradient, int h, int w, int in, int out) {
        float[][] plain = gradients(false, inputGradient, h, w, in, out);
        float[][] fused = gradients(true, inputGradient, h, w, in, out);
        for (int i = 0; i < plain.length; i++) {
            assertArrayEquals(plain[i], fused[i], 0f, "gradient array " + i);
        }
        boolean nonZero = false;
        for (float g : plain[0]) {
            nonZero |= g != 0;
        }
        assertTrue(nonZero, "some parameter gradient is non-zero");
    }

    /** The same for batch norm (training, ReLU) + 2x2 max-pooling, the pair vgg-bn repeats. */
    @ParameterizedTest
    @CsvSource({"8,8,3", "9,7,5"})
    void poolingDoesTheBatchNormsRelu(int h, int w, int channels) {
        float[][] plain = batchNormGradients(false, h, w, channels);
        float[][] fused = batchNormGradients(true, h, w, channels);
        for (int i = 0; i < plain.length; i++) {
            assertArrayEquals(plain[i], fused[i], 0f, "gradient array " + i);
        }
        boolean nonZero = false;
        for (float g : plain[0]) {
            nonZero |= g != 0;
        }
        assertTrue(nonZero, "some parameter gradient is non-zero");
    }

    private static float[][] batchNormGradients(boolean fused, int h, int w, int channels) {
        int batch = 4;
        Random random = new Random(27);
        long[] shape = {h, w, channels};
        NativeBatchNorm norm = new NativeBatchNorm(DataType.FLOAT, shape, 0.9, 1e-5, NativeActivation.RELU);
        NativePool pool = new NativePool(DataType.FLOAT, shape, 2);
        if (fused) {
            norm.leaveReluToPooling();
            pool.takeOverReluOfInput();
        }
        INDArray params = Nd4j.create(DataType.FLOAT, norm.numParams());
        INDArray grads = Nd4j.create(DataType.FLOAT, norm.numParams());
        float[] p = new float[(int) norm.numParams()];
        for (int c = 0; c < channels; c++) {
            p[c] = 1 + 0.2f * (float) random.nextGaussian();
            p[channels + c] = -0.5f; // negative shifts: many zeros after the ReLU
            p[3 * channels + c] = 1;
        }
        params.assign(Nd4j.createFromArray(p));
        norm.bind(params, grads, 0);
        norm.allocate(batch);
        pool.allocate(batch);
        float[] x = new float[batch * h * w * channels];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        INDArray pooled = pool.forward(norm.forward(Nd4j.createFromArray(x).reshape(batch, h, w, channels)));
        float[] pooledValues = flat(pooled);
        float[] g = new float[(int) pooled.length()];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) random.nextGaussian();
        }
        INDArray inputGrad = norm.backward(pool.backward(Nd4j.createFromArray(g).reshape(pooled.shape())));
        return new float[][]{grads.toFloatVector(), flat(inputGrad), pooledValues};
    }

    private static float[] flat(INDArray array) {
        return array.dup().reshape(array.length()).toFloatVector();
    }

    /** Parameter gradients (and the input gradient, if computed) of conv(ReLU) + 2x2 max-pooling. */
    private static float[][] gradients(boolean fused, boolean inputGradient, int h, int w, int in, int out) {
        int batch = 5;
        Random random = new Random(21);
        NativeConv conv = new NativeConv(DataType.FLOAT, new long[]{h, w, in}, out, 3, 1, inputGradient);
        NativePool pool = new NativePool(DataType.FLOAT, conv.outputShape(), 2);
        if (fused) {
            conv.leaveReluToPooling();
            pool.takeOverReluOfInput();
        }
        INDArray params = Nd4j.create(DataType.FLOAT, conv.numParams());
        INDArray grads = Nd4j.create(DataType.FLOAT, conv.numParams());
        float[] p = new float[(int) conv.numParams()];
        for (int i = 0; i < p.length; i++) {
            p[i] = i < out ? -0.3f : (float) random.nextGaussian() * 0.3f; // negative biases: many zeros
        }
        params.assign(Nd4j.createFromArray(p));
        conv.bind(params, grads, 0);
        conv.allocate(batch);
        pool.allocate(batch);
        float[] x = new float[batch * h * w * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(4) == 0 ? 0f : (float) random.nextGaussian();
        }
        INDArray input = Nd4j.createFromArray(x).reshape(batch, h, w, in);
        INDArray pooled = pool.forward(conv.forward(input));
        float[] pooledValues = flat(pooled);
        float[] g = new float[(int) pooled.length()];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) random.nextGaussian();
        }
        INDArray outputGradient = Nd4j.createFromArray(g).reshape(pooled.shape());
        INDArray inputGrad = conv.backward(pool.backward(outputGradient));
        return inputGrad == null ? new float[][]{grads.toFloatVector(), pooledValues}
                : new float[][]{grads.toFloatVector(), pooledValues, flat(inputGrad)};
    }
}
