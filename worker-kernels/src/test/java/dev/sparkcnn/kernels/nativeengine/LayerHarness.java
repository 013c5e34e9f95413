package dev.sparkcnn.kernels.nativeengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One {@code native} layer on its own, driven through its production {@code bind}/{@code allocate}/
 * {@code forward}/{@code backward} with plain {@code double[]} in and out (NHWC or
 * {@code [batch, features]}, 'c' order), for comparison with the naive loops of the reference tests.
 */
final class LayerHarness implements AutoCloseable {

    private final NativeLayer layer;
    private final DataType dataType;
    private final long[] inShape;
    private final long[] outShape;
    private final INDArray params;
    private final INDArray gradients;
    private final INDArray input;
    private final INDArray outputGradient;

    LayerHarness(NativeLayer layer, DataType dataType, int batch, long... perExampleInShape) {
        this.layer = layer;
        this.dataType = dataType;
        this.inShape = withBatch(batch, perExampleInShape);
        this.outShape = withBatch(batch, layer.outputShape());
        long n = Math.max(1, layer.numParams());
        this.params = Nd4j.create(dataType, n);
        this.gradients = Nd4j.create(dataType, n);
        layer.bind(params, gradients, 0);
        layer.allocate(batch);
        this.input = Nd4j.create(dataType, inShape);
        this.outputGradient = Nd4j.create(dataType, outShape);
    }

    private static long[] withBatch(int batch, long[] shape) {
        long[] full = new long[shape.length + 1];
        full[0] = batch;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return full;
    }

    long[] outShape() {
        return outShape.clone();
    }

    void setParams(double[] values) {
        assertEquals(layer.numParams(), values.length, "parameter count");
        params.assign(array(values, values.length));
    }

    double[] params() {
        return flat(params);
    }

    /** The layer's output for {@code x}. */
    double[] forward(double[] x) {
        input.assign(array(x, inShape));
        return flat(layer.forward(input));
    }

    /**
     * The gradient with respect to the last forward's input, given {@code g} with respect to its
     * output; {@code null} from a layer that does not compute it (it still writes its parameter gradients).
     */
    double[] backward(double[] g) {
        outputGradient.assign(array(g, outShape));
        INDArray inputGradient = layer.backward(outputGradient);
        return inputGradient == null ? null : flat(inputGradient);
    }

    /** The parameter gradients the last backward wrote, in the flat layout. */
    double[] paramGradients() {
        return layer.numParams() == 0 ? new double[0] : flat(gradients);
    }

    /** {@code sum(g * forward(x))}: a scalar whose gradient {@link #backward}{@code (g)} computes. */
    double probe(double[] x, double[] g) {
        double[] y = forward(x);
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += g[i] * y[i];
        }
        return sum;
    }

    private INDArray array(double[] values, long... shape) {
        assertEquals(NativeLayer.size(shape), values.length, "value count");
        return Nd4j.createFromArray(values).castTo(dataType).reshape('c', shape);
    }

    static double[] flat(INDArray array) {
        return Nd4j.toFlattened('c', array).castTo(DataType.DOUBLE).toDoubleVector();
    }

    @Override
    public void close() {
        layer.release();
        NativeLayer.close(params);
        NativeLayer.close(gradients);
        NativeLayer.close(input);
        NativeLayer.close(outputGradient);
    }

    // ---- shared helpers of the reference tests ----

    /** Uniform values in [-1, 1). */
    static double[] random(Random random, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = 2 * random.nextDouble() - 1;
        }
        return values;
    }

    /** Relative tolerance of a comparison against a double reference: float ~1e-5, double ~1e-10. */
    static double tolerance(DataType dataType) {
        return dataType == DataType.DOUBLE ? 1e-10 : 1e-5;
    }

    /** Every |expected - actual| is within {@code tolerance} times the largest of 1 and max |expected|. */
    static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(expected[i] - actual[i]);
            if (!(diff <= worst)) {
                worst = diff;
                at = i;
            }
        }
        final int index = at;
        final double max = worst;
        final double limit = tolerance * scale;
        assertTrue(max <= limit, () -> what + ": differs by " + max + " at " + index + " (expected "
                + expected[index] + ", got " + actual[index] + "; tolerance " + limit + ")");
    }

    /** Runs {@code body} with the system property {@code key} set to {@code value}, then restores it. */
    static void withProperty(String key, String value, Runnable body) {
        String before = System.getProperty(key);
        System.setProperty(key, value);
        try {
            body.run();
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }
}
