package dev.sparkcnn.kernels.nativeengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.model.DefinitionReader;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.NetworkDefinition;
import dev.sparkcnn.kernels.model.ParamLayout;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A projection shortcut's batch normalization runs with the block's own settings (a Keras ResNet's
 * momentum 0.99, say), not the default: after one training step from zero running means, the
 * shortcut's running mean is {@code (1 - momentum)} times the batch mean.
 */
class ShortcutNormTest {

    private static final String DEFINITION = """
            {"layers": [
              {"type": "conv2d", "filters": 4, "kernel": 3, "padding": "same", "bias": false},
              {"type": "residual", "layers": [
                 {"type": "conv2d", "filters": 6, "kernel": 3, "stride": 2, "padding": "same", "bias": false}],
               "shortcut": {"type": "projection", "stride": 2, "momentum": MOMENTUM, "epsilon": 0.001}},
              {"type": "globalavgpool"},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}
            """;

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    @Test
    void theShortcutNormalizesWithTheBlocksMomentum() {
        float[] slow = shortcutMeanAfterOneStep("0.9");
        float[] fast = shortcutMeanAfterOneStep("0.5");
        boolean moved = false;
        for (int i = 0; i < slow.length; i++) {
            // (1 - 0.5) / (1 - 0.9) = 5, the same batch mean in both (the same seed and data)
            assertEquals(5 * slow[i], fast[i], 1e-4 * Math.max(1, Math.abs(fast[i])), "channel " + i);
            moved |= slow[i] != 0;
        }
        assertTrue(moved, "the running mean moved");
    }

    private static float[] shortcutMeanAfterOneStep(String momentum) {
        NetworkDefinition definition = DefinitionReader.read(DEFINITION.replace("MOMENTUM", momentum), "net.json",
                "net");
        ModelSpec spec = new ModelSpec(definition, 2, 8, 8, 3, 1e-3, 3, null);
        ParamLayout layout = spec.layout();
        int index = -1;
        for (int i = 0; i < layout.arrays().size(); i++) {
            if (layout.arrays().get(i).name().equals("1.shortcut.mean")) {
                index = i;
            }
        }
        assertTrue(index >= 0, "the layout names the shortcut's running mean: " + layout.arrays());
        List<Batch> batches = NativeNetworkTest.batches(spec, 1, 5);
        try (Network net = NetworkFactory.create(spec, NetworkFactory.NATIVE)) {
            net.load(net.initialState());
            net.fit(batches.get(0));
            float[] params = net.params();
            int offset = (int) layout.offset(index);
            float[] mean = new float[(int) layout.arrays().get(index).length()];
            System.arraycopy(params, offset, mean, 0, mean.length);
            return mean;
        }
    }
}
