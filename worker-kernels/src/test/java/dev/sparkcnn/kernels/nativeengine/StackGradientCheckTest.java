package dev.sparkcnn.kernels.nativeengine;

import static dev.sparkcnn.kernels.nativeengine.LayerHarness.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.NativeRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whole stacks of the new layers in double: the gradient of the mean cross-entropy with respect to
 * every trained parameter and to the input, against central finite differences of the loss. The
 * stack is conv - batch norm + ReLU - average pooling - a projection residual block (conv, BN +
 * ReLU, conv, BN; shortcut 1x1 conv + BN) - an identity residual block - dropout - global average
 * pooling - softmax dense, in training mode (batch statistics, a fixed dropout key) and in
 * inference mode.
 */
class StackGradientCheckTest {

    private static final DataType D = DataType.DOUBLE;

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    static List<NativeLayer> smallResidualStack(long[] in, int classes) {
        List<NativeLayer> layers = new ArrayList<>();
        NativeConv stem = new NativeConv(D, in, new NativeConv.Spec(3, 3, 1, 1, false, false, NativeActivation.IDENTITY),
                true);
        layers.add(stem);
        layers.add(new NativeBatchNorm(D, stem.outputShape(), 0.9, 1e-5, NativeActivation.RELU));
        NativePool pool = new NativePool(D, stem.outputShape(), NativePool.Mode.AVG, 2, 2, 0, true);
        layers.add(pool);
        long[] s = pool.outputShape();
        NativeConv c1 = new NativeConv(D, s, new NativeConv.Spec(4, 3, 2, 1, false, false, NativeActivation.IDENTITY),
                true);
        NativeBatchNorm b1 = new NativeBatchNorm(D, c1.outputShape(), 0.9, 1e-5, NativeActivation.RELU);
        NativeConv c2 = new NativeConv(D, c1.outputShape(),
                new NativeConv.Spec(4, 3, 1, 1, false, false, NativeActivation.IDENTITY), true);
        NativeBatchNorm b2 = new NativeBatchNorm(D, c2.outputShape(), 0.9, 1e-5, NativeActivation.IDENTITY);
        NativeConv projection = new NativeConv(D, s,
                new NativeConv.Spec(4, 1, 2, 0, false, false, NativeActivation.IDENTITY), true);
        NativeBatchNorm pb = new NativeBatchNorm(D, projection.outputShape(), 0.9, 1e-5, NativeActivation.IDENTITY);
        NativeResidual block1 = new NativeResidual(D, s, List.of(c1, b1, c2, b2), List.of(projection, pb),
                NativeActivation.RELU);
        layers.add(block1);
        long[] t = block1.outputShape();
        NativeConv c3 = new NativeConv(D, t, new NativeConv.Spec(4, 3, 1, 1, false, true, NativeActivation.ELU), true);
        NativeBatchNorm b3 = new NativeBatchNorm(D, t, 0.9, 1e-5, NativeActivation.IDENTITY);
        layers.add(new NativeResidual(D, t, List.of(c3, b3), List.of(), NativeActivation.LEAKY_RELU));
        layers.add(new NativeDropout(D, t, 0.3));
        layers.add(new NativeGlobalPool(D, t));
        layers.add(new NativeDense(D, new long[]{t[2]}, classes, true));
        return layers;
    }

    @ParameterizedTest(name = "training={0}")
    @CsvSource({"true", "false"})
    void residualStackGradientsMatchFiniteDifferences(boolean training) {
        long[] in = {7, 6, 2};
        int batch = 3;
        int[] labels = {0, 2, 1};
        Random random = new Random(59);
        try (LayerStack stack = new LayerStack(D, in, smallResidualStack(in, 3))) {
            double[] params = initialParams(stack, random);
            INDArray x = Nd4j.createFromArray(LayerHarness.random(random, batch * 7 * 6 * 2)).reshape('c', batch, 7, 6, 2);
            stack.begin(new StepContext(training, 9, 0, 4, 0, batch, batch));
            stack.params().assign(Nd4j.createFromArray(params));
            stack.forwardBackward(x, labels);
            double[] analytic = stack.gradients().toDoubleVector();
            List<Integer> trained = trainedIndices(stack);
            double[] checked = new double[trained.size()];
            for (int i = 0; i < checked.length; i++) {
                checked[i] = analytic[trained.get(i)];
            }
            double[] numeric = KernelReferenceTest.centralDifferences(new double[trained.size()], delta -> {
                double[] p = params.clone();
                for (int i = 0; i < delta.length; i++) {
                    p[trained.get(i)] += delta[i];
                }
                stack.params().assign(Nd4j.createFromArray(p));
                return stack.forwardBackward(x, labels) / batch;
            });
            assertClose(numeric, checked, 1e-6, "gradient of the mean cross-entropy (training=" + training + ")");
            double largest = 0;
            for (double v : checked) {
                largest = Math.max(largest, Math.abs(v));
            }
            assertTrue(largest > 1e-3, "the gradient is not trivially zero");
        }
    }

    /** Weights uniform in [-0.5, 0.5); batch-norm gamma near 1, beta near 0, running mean 0.1, variance 1.5. */
    private static double[] initialParams(LayerStack stack, Random random) {
        double[] p = LayerHarness.random(random, (int) stack.params().length());
        for (int i = 0; i < p.length; i++) {
            p[i] *= 0.5;
        }
        for (long[] bn : batchNorms(stack)) {
            int offset = (int) bn[0];
            int c = (int) bn[1];
            for (int j = 0; j < c; j++) {
                p[offset + j] = 1 + p[offset + j] * 0.4;
                p[offset + 2 * c + j] = 0.1;
                p[offset + 3 * c + j] = 1.5;
            }
        }
        return p;
    }

    /** The flat indices of the parameters the optimizer trains: all but the batch norms' running statistics. */
    private static List<Integer> trainedIndices(LayerStack stack) {
        boolean[] skip = new boolean[(int) stack.params().length()];
        for (long[] bn : batchNorms(stack)) {
            for (int j = 0; j < 2 * bn[1]; j++) {
                skip[(int) (bn[0] + 2 * bn[1] + j)] = true;
            }
        }
        List<Integer> trained = new ArrayList<>();
        for (int i = 0; i < skip.length; i++) {
            if (!skip[i]) {
                trained.add(i);
            }
        }
        return trained;
    }

    /** (offset, channels) of every batch norm, found by binding a probe buffer: its running variance slots read 1. */
    private static List<long[]> batchNorms(LayerStack stack) {
        return stack.batchNormOffsets();
    }
}
