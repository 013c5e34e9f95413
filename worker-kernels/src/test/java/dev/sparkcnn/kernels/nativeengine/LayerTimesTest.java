package dev.sparkcnn.kernels.nativeengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.KernelBench;
import dev.sparkcnn.kernels.KernelBench.LayerTime;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.model.DefinitionReader;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bench kernels --layer-times}: every layer gets a row in network order, a residual block's
 * layers indented under it, and the rows add up to no more than the step they were timed in (a
 * block's row is its own share, not its layers' time counted twice).
 */
class LayerTimesTest {

    private static final String NET = """
            {"name": "timed", "layers": [
              {"type": "conv2d", "filters": 4, "kernel": 3, "padding": "same", "activation": "identity"},
              {"type": "batchnorm"},
              {"type": "activation", "function": "relu"},
              {"type": "maxpool", "size": 2},
              {"type": "dropout", "rate": 0.25},
              {"type": "residual", "layers": [
                {"type": "conv2d", "filters": 4, "kernel": 3, "padding": "same", "bias": false,
                 "activation": "identity"},
                {"type": "batchnorm"}],
               "shortcut": "identity", "activation": "relu"},
              {"type": "globalavgpool"},
              {"type": "flatten"},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}
            """;

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    @Test
    void everyLayerHasARowAndTheRowsFitInTheStep() {
        ModelSpec spec = new ModelSpec(DefinitionReader.read(NET, "timed.json", "timed"), 2, 8, 8, 3, 0.01, 5,
                null);
        KernelBench.LayerTimes times = KernelBench.timeLayersInNetwork(spec, 8, 0.0, 0.05);
        List<String> names = times.layers().stream().map(t -> t.depth() + " " + t.layer() + " " + t.outShape())
                .toList();
        assertEquals(List.of("0 conv 3x3 4x8x8", "0 batch norm + relu 4x8x8", "0 pool 4x4x4", "0 dropout 4x4x4",
                "0 residual: add, activation 4x4x4", "1 conv 3x3 4x4x4", "1 batch norm 4x4x4",
                "0 global avg pool 4", "0 dense 3"), names);
        assertTrue(times.steps() >= 3, "steps " + times.steps());
        double sum = 0;
        for (LayerTime t : times.layers()) {
            assertTrue(t.forwardMillis() >= 0 && t.backwardMillis() >= 0, t.toString());
            sum += t.forwardMillis() + t.backwardMillis();
        }
        assertTrue(sum > 0 && sum <= times.stepMillis(), "rows " + sum + " ms of a " + times.stepMillis()
                + " ms step");
    }
}
