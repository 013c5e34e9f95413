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
 * Max-pooling that masks its output gradient where the pooled value is not positive, in place of
 * the ReLU backward of the convolution before it, must give the same gradients bit for bit (the
 * input makes most ReLU outputs zero, so all-zero windows and ties are common).
 */
class ReluPoolFusionTest {

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    @ParameterizedTest
    @CsvSource({"true,9,9,3,8", "false,8,8,1,4", "true,13,13,4,6"})
    void maskedPoolingBackwardIsTheReluBackward(boolean inputGradient, int h, int w, int in, int out) {
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

    /** Parameter gradients (and the input gradient, if computed) of conv(ReLU) + 2x2 max-pooling. */
    private static float[][] gradients(boolean fused, boolean inputGradient, int h, int w, int in, int out) {
        int batch = 5;
        Random random = new Random(21);
        NativeConv conv = new NativeConv(DataType.FLOAT, new long[]{h, w, in}, out, 3, 1, inputGradient);
        NativePool pool = new NativePool(DataType.FLOAT, conv.outputShape(), 2);
        if (fused) {
            conv.skipReluBackward();
            pool.maskForReluInput();
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
        float[] g = new float[(int) pooled.length()];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) random.nextGaussian();
        }
        INDArray outputGradient = Nd4j.createFromArray(g).reshape(pooled.shape());
        INDArray inputGrad = conv.backward(pool.backward(outputGradient));
        return inputGrad == null ? new float[][]{grads.toFloatVector()}
                : new float[][]{grads.toFloatVector(), inputGrad.dup().reshape(inputGrad.length()).toFloatVector()};
    }
}
