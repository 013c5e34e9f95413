package dev.sparkcnn.kernels.model;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The order and shape of every array in a network's flat parameter vector. Both engines, the
 * checkpoints and the averaging strategies read this one layout; the optimizer's state is laid
 * out over the whole vector (one block), and skips the arrays that are not {@linkplain
 * ParamArray#trainable() trainable}.
 *
 * @param arrays the arrays, first to last
 */
public record ParamLayout(List<ParamArray> arrays) {

    public ParamLayout {
        arrays = List.copyOf(arrays);
    }

    /** Values in the flat parameter vector. */
    public long numParams() {
        return arrays.stream().mapToLong(ParamArray::length).sum();
    }

    /** Values the optimizer trains. */
    public long numTrainable() {
        return arrays.stream().filter(ParamArray::trainable).mapToLong(ParamArray::length).sum();
    }

    /** The offset of array {@code index} in the flat vector. */
    public long offset(int index) {
        long offset = 0;
        for (int i = 0; i < index; i++) {
            offset += arrays.get(i).length();
        }
        return offset;
    }

    /** The layout followed by another's arrays. */
    public ParamLayout then(ParamLayout more) {
        List<ParamArray> all = new ArrayList<>(arrays);
        all.addAll(more.arrays);
        return new ParamLayout(all);
    }

    /**
     * Initial parameters drawn from a seed, as DL4J's {@code MultiLayerNetwork.init()} draws them:
     * ND4J's generator seeded once, then each weight array, in layout order, filled from its
     * uniform distribution as one flat run of values; constants draw nothing. The same layout and
     * seed always give the same values, on every engine.
     */
    public float[] initialParams(long seed) {
        long n = numParams();
        INDArray flat = Nd4j.create(DataType.FLOAT, 1, n);
        try {
            Nd4j.getRandom().setSeed(seed);
            long offset = 0;
            for (ParamArray array : arrays) {
                long length = array.length();
                if (length > 0) {
                    INDArray view = flat.get(NDArrayIndex.interval(0, 1),
                            NDArrayIndex.interval(offset, offset + length));
                    fill(view, array);
                }
                offset += length;
            }
            return flat.toFloatVector();
        } finally {
            flat.close();
        }
    }

    private static void fill(INDArray view, ParamArray array) {
        switch (array.init()) {
            case ZERO -> view.assign(0);
            case ONE -> view.assign(1);
            default -> {
                double bound = array.init().bound(array.fanIn(), array.fanOut());
                Nd4j.rand(view, Nd4j.getDistributions().createUniform(-bound, bound));
            }
        }
    }
}
