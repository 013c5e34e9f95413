package dev.sparkcnn.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkcnn.driver.bench.KernelFlops;
import dev.sparkcnn.driver.bench.KernelFlops.Workload;
import dev.sparkcnn.kernels.KernelBench;
import dev.sparkcnn.kernels.KernelBench.Kind;
import dev.sparkcnn.kernels.KernelBench.Layer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FLOP counts of the catalogue models, worked out by hand from their layer shapes. */
class BenchKernelFlopsTest {

    @Test
    void cifarCnnOn3x32x32() {
        List<Layer> layers = KernelBench.layers(new Workload("cifar-cnn", 3, 32, 32).spec());
        // conv 3->32 3x3 valid: 32x32 -> 30x30; pool -> 15; conv 32->64: 13; pool -> 6; conv 64->64: 4
        assertEquals(new Layer(Kind.CONV, 32, 32, 3, 30, 30, 32, 3), layers.get(0));
        assertEquals(new Layer(Kind.CONV, 15, 15, 32, 13, 13, 64, 3), layers.get(2));
        assertEquals(new Layer(Kind.CONV, 6, 6, 64, 4, 4, 64, 3), layers.get(4));
        long conv1 = 2L * 30 * 30 * 32 * 3 * 9;  // 1,555,200
        long conv2 = 2L * 13 * 13 * 64 * 32 * 9; // 6,230,016
        long conv3 = 2L * 4 * 4 * 64 * 64 * 9;   // 1,179,648
        assertEquals(8_964_864L, conv1 + conv2 + conv3);
        assertEquals(8_964_864L, KernelFlops.convForward(layers));
        long dense = 2L * 1024 * 64 + 2L * 64 * 10;
        assertEquals(8_964_864L + dense, KernelFlops.forward(layers));
        assertEquals(3 * (8_964_864L + dense), KernelFlops.training(layers));
        assertEquals(2 * conv2, KernelFlops.backward(layers.get(2)));
    }

    @Test
    void mnistCnnOn1x28x28() {
        List<Layer> layers = KernelBench.layers(new Workload("mnist-cnn", 1, 28, 28).spec());
        // conv 1->32: 26x26; pool 13; conv 32->64: 11x11; pool 5; dense 1600->128 -> 10
        long conv = 2L * 26 * 26 * 32 * 9 + 2L * 11 * 11 * 64 * 32 * 9;
        assertEquals(4_849_920L, conv);
        assertEquals(conv, KernelFlops.convForward(layers));
        assertEquals(conv + 2L * 1600 * 128 + 2L * 128 * 10, KernelFlops.forward(layers));
    }

    @Test
    void simpleCnnOnBothInputs() {
        // 'same' 3x3 convs: 32x32 conv 3->16, pool 16, conv 16->32, pool 8, dense 2048 -> 10
        List<Layer> rgb = KernelBench.layers(new Workload("simple-cnn", 3, 32, 32).spec());
        assertEquals(2L * 32 * 32 * 16 * 3 * 9 + 2L * 16 * 16 * 32 * 16 * 9 + 2L * 2048 * 10,
                KernelFlops.forward(rgb));
        // 28x28 grey: conv 1->16 at 28, pool 14, conv 16->32 at 14, pool 7, dense 1568 -> 10
        List<Layer> grey = KernelBench.layers(new Workload("simple-cnn", 1, 28, 28).spec());
        assertEquals(2L * 28 * 28 * 16 * 9 + 2L * 14 * 14 * 32 * 16 * 9 + 2L * 1568 * 10,
                KernelFlops.forward(grey));
        assertEquals(List.of(new Workload("simple-cnn", 1, 28, 28), new Workload("simple-cnn", 3, 32, 32)),
                KernelFlops.workloads("simple-cnn"));
    }
}
