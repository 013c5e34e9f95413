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
    private float[] floatRow;
    private double[] doubleRow;

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
        floatRow = dataType == DataType.FLOAT ? new float[(int) rowLength] : null;
        doubleRow = dataType == DataType.FLOAT ? null : new double[(int) rowLength];
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

    private void fillMask() {
        double keep = 1 - rate;
        long threshold = Math.round(keep * 65536);
        long rows = mask.size(0);
        FloatBuffer floats = floatRow == null ? null : mask.data().asNioFloat();
        DoubleBuffer doubles = doubleRow == null ? null : mask.data().asNioDouble();
        for (int r = 0; r < rows; r++) {
            SplittableRandom random = new SplittableRandom(context.rowSeed(context.firstRow() + r));
            int at = (int) (r * rowLength);
            if (floats != null) {
                float kept = (float) (1 / keep);
                long bits = 0;
                for (int i = 0; i < rowLength; i++) {
                    if ((i & 3) == 0) {
                        bits = random.nextLong();
                    }
                    floatRow[i] = (bits & 0xFFFF) < threshold ? kept : 0f;
                    bits >>>= 16;
                }
                floats.put(at, floatRow);
            } else {
                long bits = 0;
                for (int i = 0; i < rowLength; i++) {
                    if ((i & 3) == 0) {
                        bits = random.nextLong();
                    }
                    doubleRow[i] = (bits & 0xFFFF) < threshold ? 1 / keep : 0;
                    bits >>>= 16;
                }
                doubles.put(at, doubleRow);
            }
        }
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
