package dev.sparkcnn.driver.export.onnx;

import dev.sparkcnn.kernels.model.LayerSpec;

/**
 * Turns one type of layer spec into ONNX nodes: reads its parameters from the graph's cursor (in
 * the definition's layout, which both engines share), adds initializers and nodes, and advances
 * the graph's current tensor and shape. Adding a layer type to the exporter is one emitter and one
 * registration in {@link OnnxExporter}.
 *
 * @param <L> the layer spec type this emitter handles
 */
interface LayerEmitter<L extends LayerSpec> {

    /** The layer spec type handled. */
    Class<L> kind();

    /**
     * Emits the layer; {@code index} names it in the definition (for nested layers' messages).
     *
     * @throws IllegalArgumentException if a setting of this layer has no ONNX equivalent here (the
     *                                  message names the setting; the caller adds the layer)
     */
    void emit(L layer, String index, OnnxGraph graph);
}
