package dev.sparkcnn.driver.export;

import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.kernels.dl4j.Dl4jModels;
import dev.sparkcnn.kernels.dl4j.Dl4jNets;
import java.io.IOException;
import java.io.OutputStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A stored model as a DL4J {@link ModelSerializer} zip: the DL4J network for the model's spec (a
 * {@code MultiLayerNetwork} for a plain stack, a {@code ComputationGraph} when it has residual
 * blocks) holding the stored parameters, updater state and iteration, moved from the definition's
 * layout into DL4J's order. Input: NCHW floats, normalized as in training. Batch norm uses its
 * running statistics in {@code output(x)} (inference).
 */
final class Dl4jExporter implements ModelExporter {
    static final String FORMAT = "DL4J export";

    @Override
    public void check(SavedModel model) {
        network(model).close();
    }

    @Override
    public void write(SavedModel model, OutputStream out) throws IOException {
        Model net = network(model);
        try {
            ModelSerializer.writeModel(net, out, true);
        } finally {
            net.close();
        }
    }

    private static Model network(SavedModel model) {
        try {
            return Dl4jNets.withState(model.spec(), model.state());
        } catch (Dl4jModels.UnsupportedLayer e) {
            throw new LayerRefused(FORMAT, e.index(), e.layer(), e.why());
        }
    }
}
