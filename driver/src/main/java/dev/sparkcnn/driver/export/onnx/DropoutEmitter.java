package dev.sparkcnn.driver.export.onnx;

import dev.sparkcnn.kernels.model.Dropout;

/** Dropout is the identity at inference (both engines scale in training, inverted dropout): no node. */
final class DropoutEmitter implements LayerEmitter<Dropout> {

    @Override
    public Class<Dropout> kind() {
        return Dropout.class;
    }

    @Override
    public void emit(Dropout layer, String index, OnnxGraph graph) {
        // nothing: the graph's current tensor passes on unchanged
    }
}
