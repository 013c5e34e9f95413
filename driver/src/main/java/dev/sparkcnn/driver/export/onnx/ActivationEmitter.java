package dev.sparkcnn.driver.export.onnx;

import dev.sparkcnn.kernels.model.ActivationLayer;

/** An activation layer as its ONNX node ({@link Activations}). */
final class ActivationEmitter implements LayerEmitter<ActivationLayer> {

    @Override
    public Class<ActivationLayer> kind() {
        return ActivationLayer.class;
    }

    @Override
    public void emit(ActivationLayer layer, String index, OnnxGraph graph) {
        Activations.emit(layer.function(), graph);
    }
}
