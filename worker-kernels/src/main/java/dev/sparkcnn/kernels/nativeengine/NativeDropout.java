package dev.sparkcnn.kernels.nativeengine;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout: in training each value is kept with probability {@code 1 - rate} and scaled by
 * {@code 1 / (1 - rate)}, else zeroed; in inference the identity (the input array itself is
 * returned, and the gradient passed straight back). The mask of batch row {@code r} is drawn from a
 * {@link SplittableRandom} seeded by {@link StepContext#rowSeed}{@code (firstRow + r)}: the same
 * (seed, partition, step) gives the same masks, whatever the slicing of the batch. Each
 * 64-bit draw decides four values, by 16-bit uniforms against {@code round((1 - rate) 65536)} (the
 * keep probability to 1/65536): one generator call per four values.
 */
final class NativeDropout implements NativeLayer {

    private final DataType dataType;
    private final long[] shape;
    private final long rowLength;
    private final double rate;
    private StepContext context = StepContext.TRAINING;

    private INDArray mask;
    private INDArray output;
    private INDArray input;
    private boolean dropped;
    private PreparedOp forwardOp;
    private PreparedOp backwardOp;
    private INDArray lastOutputGradient;

    NativeDropout(DataType dataType, long[] shape, double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        this.dataType = dataType;
        this.shape = shape.clone();
        this.rowLength = NativeLayer.size(shape);
        this.rate = rate;
    }

    @Override
    public long numParams() {
        return 0;
    }

    @Override
    public long[] outputShape() {
        return shape.clone();
    }

    @Override
    public void bind(INDArray params, INDArray gradients, long offset) {
    }

    @Override
    public void begin(StepContext step) {
        this.context = step;
    }

    @Override
    public void allocate(int size) {
        release();
        long[] full = new long[shape.length + 1];
        full[0] = size;
        System.arraycopy(shape, 0, full, 1, shape.length);
        mask = Nd4j.create(dataType, full);
        output = Nd4j.create(dataType, full);
    }

    /** The mask the last training forward used (values 0 and {@code 1 / (1 - rate)}); for tests. */
    INDArray mask() {
        return mask;
    }

    @Override
    public INDArray forward(INDArray in) {
        dropped = context.training() && rate > 0;
        if (!dropped) {
            return in;
        }
        if (in != input) {
            PreparedOp.close(forwardOp);
            input = in;
            forwardOp = new PreparedOp(DynamicCustomOp.builder("multiply").addInputs(in, mask).addOutputs(output)
                    .build());
        }
        fillMask();
        forwardOp.exec();
        return output;
    }

    /**
     * Fills the mask row by row, each row's generator seeded on its own. Branch-free: a random
     * keep/drop branch mispredicts half the time; {@code ((bits & 0xFFFF) - threshold) >>> 63} is
     * 1 exactly when the 16-bit uniform is below the threshold. On the calling thread only: with the
     * rows spread over a second Java thread the fill took 0.45 instead of 1.8 ms on 64x14x14x32
     * floats alone, but inside a training step (libnd4j's OpenMP threads spin on the other core
     * after each op) the first dropout of vgg-bn 3x32x32 took 2.0 ms, against 1.05-1.2 ms here
     * ({@code bench kernels --layer-times}).
     */
    private void fillMask() {
        double keep = 1 - rate;
        long threshold = Math.round(keep * 65536);
        int rows = (int) mask.size(0);
        FloatBuffer floats = dataType == DataType.FLOAT ? mask.data().asNioFloat() : null;
        DoubleBuffer doubles = floats == null ? mask.data().asNioDouble() : null;
        byte[] kept = new byte[(int) rowLength];
        float[] floatRow = floats != null ? new float[kept.length] : null;
        double[] doubleRow = floats == null ? new double[kept.length] : null;
        float keptFloat = (float) (1 / keep);
        for (int r = 0; r < rows; r++) {
            draw(new SplittableRandom(context.rowSeed(context.firstRow() + r)), threshold, kept);
            int at = (int) (r * rowLength);
            if (floats != null) {
                for (int i = 0; i < kept.length; i++) {
                    floatRow[i] = kept[i] * keptFloat;
                }
                floats.put(at, floatRow);
            } else {
                for (int i = 0; i < kept.length; i++) {
                    doubleRow[i] = kept[i] / keep;
                }
                doubles.put(at, doubleRow);
            }
        }
    }

    /**
     * One row's keep decisions (1 keep, 0 drop): four per 64-bit draw, each a 16-bit uniform
     * against {@code threshold}.
     */
    private static void draw(SplittableRandom random, long threshold, byte[] kept) {
        int i = 0;
        for (; i + 4 <= kept.length; i += 4) {
            long bits = random.nextLong();
            kept[i] = keptIf(bits, threshold);
            kept[i + 1] = keptIf(bits >>> 16, threshold);
            kept[i + 2] = keptIf(bits >>> 32, threshold);
            kept[i + 3] = keptIf(bits >>> 48, threshold);
        }
        for (long bits = i < kept.length ? random.nextLong() : 0; i < kept.length; i++, bits >>>= 16) {
            kept[i] = keptIf(bits, threshold);
        }
    }

    /** 1 if the low 16 bits of {@code bits}, a uniform in [0, 65536), are below {@code threshold}, else 0. */
    private static byte keptIf(long bits, long threshold) {
        return (byte) (((bits & 0xFFFF) - threshold) >>> 63);
    }

    @Override
    public INDArray backward(INDArray outputGradient) {
        if (!dropped) {
            return outputGradient;
        }
        if (outputGradient != lastOutputGradient) {
            PreparedOp.close(backwardOp);
            lastOutputGradient = outputGradient;
            backwardOp = new PreparedOp(DynamicCustomOp.builder("multiply").addInputs(outputGradient, mask)
                    .addOutputs(outputGradient).build());
        }
        backwardOp.exec();
        return outputGradient;
    }

    @Override
    public void release() {
        PreparedOp.close(forwardOp);
        PreparedOp.close(backwardOp);
        NativeLayer.close(mask);
        NativeLayer.close(output);
        forwardOp = null;
        backwardOp = null;
        lastOutputGradient = null;
        mask = null;
        output = null;
        input = null;
    }
}
