package dev.sparkcnn.driver.export.onnx;

import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Turns one kind of layer into ONNX nodes: reads its parameters from the graph's cursor (in the
 * flat layout the engines share), adds initializers and nodes, and advances the graph's current
 * tensor and shape. Adding a layer kind to the exporter is one emitter and one registration in
 * {@link OnnxExporter}.
 *
 * @param <L> the layer configuration class this emitter handles
 */
interface LayerEmitter<L extends Layer> {

    /** The layer class handled. */
    Class<L> kind();

    /**
     * Emits the layer.
     *
     * @throws IllegalArgumentException if a setting of this layer has no ONNX equivalent here (the
     *                                  message names the setting; the caller adds the layer)
     */
    void emit(L layer, OnnxGraph graph);
}
