package dev.sparkcnn.kernels.dl4j;

import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.ParamArray;
import dev.sparkcnn.kernels.model.ParamLayout;
import dev.sparkcnn.kernels.optim.UpdaterRule;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where each value of the definition's layout lives in a DL4J network, and back: the parameters
 * (a ComputationGraph orders its vertices topologically, which need not be the definition's order)
 * and the updater state. The layout's state is one block over the whole vector (Adam: all first
 * moments, then all second moments; zeros for the running statistics, whose gradient is 0); DL4J
 * keeps one block per run of parameters with the same updater, and none for batch norm's running
 * statistics (its {@code NoOp} updater), so with batch norm its state is the same values,
 * regrouped. Found from the network's own parameter views and updater blocks, and checked to be
 * a one-to-one map, so a mismatch fails at construction rather than as wrong numbers.
 */
final class Dl4jLayout {
    private final int numParams;
    private final int[] position;      // layout value i -> DL4J flat index; null if the identity
    private final int[] statePosition; // layout state value k -> DL4J state index or -1; null if the identity
    private final int stateSize;
    private final int dl4jStateSize;
    private final int[] fixed;         // layout indices of the values the optimizer does not train
    private final boolean sameOrder;   // position is the identity

    /**
     * @param views   the DL4J parameter view of a layer name and key
     * @param flat    the network's flat parameter vector
     * @param updater the network's updater (its blocks and state view)
     */
    Dl4jLayout(ModelSpec spec, Function<Dl4jModels.ParamRef, INDArray> views, INDArray flat,
               BaseMultiLayerUpdater<?> updater) {
        ParamLayout layout = spec.layout();
        List<Dl4jModels.ParamRef> refs = Dl4jModels.params(spec);
        if (refs.size() != layout.arrays().size() || layout.numParams() != flat.length()) {
            throw new IllegalStateException("the DL4J network of model '" + spec.model() + "' has " + flat.length()
                    + " parameters in " + refs.size() + " arrays, the layout " + layout.numParams() + " in "
                    + layout.arrays().size());
        }
        numParams = Math.toIntExact(flat.length());
        position = new int[numParams];
        Arrays.fill(position, -1);
        boolean[] taken = new boolean[numParams];
        int[] fixedValues = new int[numParams];
        int fixedCount = 0;
        int offset = 0;
        for (int a = 0; a < refs.size(); a++) {
            ParamArray array = layout.arrays().get(a);
            INDArray view = views.apply(refs.get(a));
            if (view == null || view.length() != array.length()) {
                throw new IllegalStateException("layout array " + array.name() + " (" + array.length() + " values) "
                        + "is not DL4J's " + refs.get(a) + " (" + (view == null ? "absent" : view.length()) + ")");
            }
            int start = Math.toIntExact(view.offset() - flat.offset());
            for (int k = 0; k < array.length(); k++) {
                int p = start + k;
                if (p < 0 || p >= numParams || taken[p]) {
                    throw new IllegalStateException("DL4J's " + refs.get(a) + " overlaps another array");
                }
                taken[p] = true;
                position[offset + k] = p;
                if (!array.trainable()) {
                    fixedValues[fixedCount++] = offset + k;
                }
            }
            offset += Math.toIntExact(array.length());
        }
        fixed = Arrays.copyOf(fixedValues, fixedCount);
        boolean identity = true;
        for (int i = 0; identity && i < numParams; i++) {
            identity = position[i] == i;
        }
        sameOrder = identity;
        int width = Math.toIntExact(UpdaterRule.of(spec).stateSize(numParams) / Math.max(1, numParams));
        stateSize = width * numParams;
        INDArray stateView = updater.getStateViewArray();
        dl4jStateSize = stateView == null ? 0 : Math.toIntExact(stateView.length());
        statePosition = stateMap(updater.getUpdaterBlocks(), width);
    }

    private int[] stateMap(List<UpdaterBlock> blocks, int width) {
        int[] inverse = new int[numParams];
        for (int i = 0; i < numParams; i++) {
            inverse[position[i]] = i;
        }
        int[] map = new int[stateSize];
        Arrays.fill(map, -1);
        int covered = 0;
        for (UpdaterBlock block : blocks) {
            int start = block.getParamOffsetStart();
            int n = block.getParamOffsetEnd() - start;
            int stateStart = block.getUpdaterViewOffsetStart();
            int stateLength = block.getUpdaterViewOffsetEnd() - stateStart;
            if (stateLength == 0) {
                continue; // NoOp: batch norm's running statistics
            }
            if (stateLength != width * n) {
                throw new IllegalStateException("a DL4J updater block holds " + stateLength + " state values for " + n
                        + " parameters; expected " + width + " per parameter");
            }
            for (int j = 0; j < width; j++) {
                for (int k = 0; k < n; k++) {
                    map[j * numParams + inverse[start + k]] = stateStart + j * n + k;
                }
            }
            covered += stateLength;
        }
        if (covered != dl4jStateSize) {
            throw new IllegalStateException("DL4J's updater blocks cover " + covered + " of its " + dl4jStateSize
                    + " state values");
        }
        boolean identity = dl4jStateSize == stateSize;
        for (int k = 0; identity && k < stateSize; k++) {
            identity = map[k] == k;
        }
        return identity ? null : map;
    }

    /** The layout's updater state size (DL4J's for the same network may be smaller). */
    int stateSize() {
        return stateSize;
    }

    /** The layout indices of values the optimizer does not train (batch norm's running statistics). */
    int[] fixed() {
        return fixed.clone();
    }

    /** The DL4J flat index of layout value {@code i}. */
    int position(int i) {
        return position[i];
    }

    /** DL4J's flat parameters (or gradient) in the layout's order. */
    float[] paramsToLayout(INDArray dl4j) {
        float[] values = dl4j.toFloatVector();
        if (sameOrder) {
            return values;
        }
        float[] out = new float[numParams];
        for (int i = 0; i < numParams; i++) {
            out[i] = values[position[i]];
        }
        return out;
    }

    /** Writes layout-ordered values into DL4J's flat parameters (or gradient). */
    void paramsToDl4j(float[] values, INDArray dl4j) {
        if (sameOrder) {
            dl4j.assign(Nd4j.create(values, dl4j.shape(), 'c'));
            return;
        }
        float[] out = new float[numParams];
        for (int i = 0; i < numParams; i++) {
            out[position[i]] = values[i];
        }
        dl4j.assign(Nd4j.create(out, dl4j.shape(), 'c'));
    }

    /** DL4J's updater state (may be {@code null} when empty) in the layout's order. */
    float[] stateToLayout(INDArray dl4j) {
        float[] values = dl4j == null ? new float[0] : dl4j.toFloatVector();
        if (statePosition == null) {
            return values;
        }
        float[] out = new float[stateSize];
        for (int k = 0; k < stateSize; k++) {
            out[k] = statePosition[k] < 0 ? 0f : values[statePosition[k]];
        }
        return out;
    }

    /** Writes a layout-ordered updater state into DL4J's (a value DL4J does not keep must be 0). */
    void stateToDl4j(float[] values, INDArray dl4j) {
        if (dl4j == null) {
            return;
        }
        if (statePosition == null) {
            dl4j.assign(Nd4j.create(values, dl4j.shape(), 'c'));
            return;
        }
        float[] out = new float[dl4jStateSize];
        for (int k = 0; k < stateSize; k++) {
            if (statePosition[k] >= 0) {
                out[statePosition[k]] = values[k];
            }
        }
        dl4j.assign(Nd4j.create(out, dl4j.shape(), 'c'));
    }
}
