package dev.sparkcnn.kernels.nativeengine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link NativeKernelBench#flatten}: what {@code bench kernels} counts FLOPs over. resnet20 (as
 * {@link LayerStackBench} stacks it) lists its stem, the two convolutions of each of its nine blocks
 * and the two projection shortcuts: 21 convolutions, 19 of them 3x3, each with its real input
 * shape, and their multiply-adds equal the stack's own count.
 */
class KernelBenchFlattenTest {

    @Test
    void residualBlocksAreListedLayerByLayer() {
        LayerStackBench.Net net = LayerStackBench.resnet20(3, 32);
        List<NativeKernelBench.Placed> placed = NativeKernelBench.flatten(net.layers, new long[]{32, 32, 3});
        int convs = 0;
        int threeByThree = 0;
        long flops = 0;
        for (NativeKernelBench.Placed p : placed) {
            if (p.layer() instanceof NativeConv conv) {
                convs++;
                threeByThree += conv.kernel() == 3 ? 1 : 0;
                long[] out = conv.outputShape();
                flops += 2L * out[0] * out[1] * out[2] * p.in()[2] * conv.kernel() * conv.kernel();
            } else if (p.layer() instanceof NativeDense dense) {
                flops += 2L * NativeLayer.size(p.in()) * dense.outputShape()[0];
            }
        }
        assertEquals(21, convs, "convolutions");
        assertEquals(19, threeByThree, "3x3 convolutions");
        assertEquals(net.flops, flops, "forward FLOPs per image");
        long params = placed.stream().mapToLong(p -> p.layer().numParams()).sum();
        assertEquals(LayerStack.numParams(net.layers), params, "the flattened layers hold every parameter");
    }
}
