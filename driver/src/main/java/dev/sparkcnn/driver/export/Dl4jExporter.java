package dev.sparkcnn.driver.export;

import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.kernels.dl4j.Dl4jModels;
import dev.sparkcnn.kernels.ModelState;
import java.io.IOException;
import java.io.OutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A stored model as a DL4J {@link ModelSerializer} zip: the DL4J engine's {@code MultiLayerNetwork}
 * for the model's spec with the stored parameters, updater state and iteration (both engines keep
 * DL4J's flat layout, so the state loads as it is). Input: NCHW floats, normalized as in training.
 */
final class Dl4jExporter implements ModelExporter {

    @Override
    public void check(SavedModel model) {
        MultiLayerNetwork net = network(model);
        try {
            if (net.numParams() != model.state().params().length) {
                throw new IllegalArgumentException("the DL4J network for model '" + model.spec().model() + "' has "
                        + net.numParams() + " parameters but the model directory holds "
                        + model.state().params().length);
            }
        } finally {
            net.close();
        }
    }

    @Override
    public void write(SavedModel model, OutputStream out) throws IOException {
        MultiLayerNetwork net = network(model);
        try {
            ModelState state = model.state();
            net.params().assign(Nd4j.createFromArray(state.params()).reshape(net.params().shape()));
            INDArray updater = net.getUpdater(true).getStateViewArray();
            boolean withUpdater = updater != null && updater.length() == state.updaterState().length;
            if (withUpdater) {
                updater.assign(Nd4j.createFromArray(state.updaterState()).reshape(updater.shape()));
            }
            net.setIterationCount((int) Math.min(Integer.MAX_VALUE, state.iteration()));
            ModelSerializer.writeModel(net, out, withUpdater);
        } finally {
            net.close();
        }
    }

    private static MultiLayerNetwork network(SavedModel model) {
        MultiLayerNetwork net = new MultiLayerNetwork(Dl4jModels.portableConfiguration(model.spec()));
        net.init();
        return net;
    }
}
