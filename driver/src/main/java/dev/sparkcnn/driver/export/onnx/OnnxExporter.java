package dev.sparkcnn.driver.export.onnx;

import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.export.ModelExporter;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.kernels.dl4j.Dl4jModels;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;

/**
 * A stored model as an ONNX model (opset 13), built with the ONNX protobuf classes that ND4J ships
 * ({@code onnx.Onnx}, generated from the official {@code onnx.proto}). The graph takes
 * {@code pixels}: {@code [batch, height, width, channels]} floats holding the raw 0-255 pixel
 * values; it applies the model's input normalization ({@code x * scale[c] + shift[c]}, as
 * training did), transposes to NCHW and runs the layers; it returns {@code probabilities}:
 * {@code [batch, classes]}. The layers are those of the DL4J engine's configuration for the
 * model's spec, whose flat parameter layout both engines share; each layer kind has one
 * {@link LayerEmitter}, and a layer without one is refused by name before anything is written.
 */
public final class OnnxExporter implements ModelExporter {
    /** The ONNX operator set the graph uses; IR version 7 is the first that carries opset 13. */
    public static final int OPSET = 13;
    private static final int IR_VERSION = 7;
    public static final String INPUT = "pixels";
    public static final String OUTPUT = "probabilities";

    private final Map<Class<?>, LayerEmitter<?>> emitters = new LinkedHashMap<>();

    public OnnxExporter() {
        register(new ConvEmitter());
        register(new PoolEmitter());
        register(new DenseEmitter<>(DenseLayer.class, DenseLayer::hasBias));
        register(new DenseEmitter<>(OutputLayer.class, OutputLayer::hasBias));
    }

    private void register(LayerEmitter<?> emitter) {
        emitters.put(emitter.kind(), emitter);
    }

    @Override
    public void check(SavedModel model) {
        build(model);
    }

    @Override
    public void write(SavedModel model, OutputStream out) throws IOException {
        build(model).writeTo(out);
    }

    /** The ONNX model for a stored model. */
    public ModelProto build(SavedModel model) {
        return build(Dl4jModels.portableConfiguration(model.spec()), model);
    }

    /** The ONNX model for a stored model's state laid out as the layers of {@code conf}. */
    public ModelProto build(MultiLayerConfiguration conf, SavedModel model) {
        ModelSpec spec = model.spec();
        OnnxGraph graph = new OnnxGraph(model.state().params(), INPUT, new long[]{spec.height(), spec.width(),
                spec.channels()});
        normalizeAndTranspose(model.normalization(), spec, graph);
        for (int i = 0; i < conf.getConfs().size(); i++) {
            InputPreProcessor pre = conf.getInputPreProcess(i);
            if (pre != null && !(pre instanceof CnnToFeedForwardPreProcessor)) {
                throw refused(i, pre.getClass().getSimpleName(), "this input preprocessor has no ONNX emitter");
            }
            emit(i, conf.getConf(i).getLayer(), graph);
        }
        if (graph.remaining() != 0) {
            throw new IllegalArgumentException("ONNX export: the layers took " + (model.state().params().length
                    - graph.remaining()) + " of " + model.state().params().length + " stored parameters; the model "
                    + "directory does not match model '" + spec.model() + "'");
        }
        graph.node("Identity", List.of(graph.current()), graph.shape());
        graph.proto().setName(spec.model())
                .addInput(tensor(INPUT, spec.height(), spec.width(), spec.channels()))
                .addOutput(tensor(graph.current(), spec.numClasses()));
        renameOutput(graph);
        return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("sparkcnn")
                .setDocString("sparkcnn model '" + spec.model() + "': input " + INPUT + " [batch, " + spec.height()
                        + ", " + spec.width() + ", " + spec.channels() + "] raw pixel values 0-255 (NHWC float), "
                        + "normalization folded in; output " + OUTPUT + " [batch, " + spec.numClasses() + "]")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addMetadataProps(entry("classes", dev.sparkcnn.driver.config.Json.write(model.data().classNames())))
                .setGraph(graph.proto()).build();
    }

    @SuppressWarnings("unchecked")
    private <L extends Layer> void emit(int index, Layer layer, OnnxGraph graph) {
        LayerEmitter<L> emitter = (LayerEmitter<L>) emitters.get(layer.getClass());
        if (emitter == null) {
            throw refused(index, layer.getClass().getSimpleName(), "ONNX export has no emitter for this layer kind "
                    + "(it exports " + String.join(", ", emitters.keySet().stream().map(Class::getSimpleName)
                    .toList()) + ")");
        }
        try {
            emitter.emit((L) layer, graph);
        } catch (IllegalArgumentException e) {
            throw refused(index, layer.getClass().getSimpleName(), e.getMessage() + " cannot be expressed");
        }
    }

    private static IllegalArgumentException refused(int index, String kind, String why) {
        return new IllegalArgumentException("ONNX export: layer " + index + " (" + kind + "): " + why);
    }

    /** pixels [N,H,W,C] * scale[c] + shift[c] (broadcast over the last axis), then NHWC to NCHW. */
    private static void normalizeAndTranspose(Normalization normalization, ModelSpec spec, OnnxGraph graph) {
        int channels = spec.channels();
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            // the same two constants Normalization.apply computes
            scale[c] = 1f / (255f * normalization.std()[c]);
            shift[c] = -normalization.mean()[c] / normalization.std()[c];
        }
        long[] nhwc = graph.shape();
        graph.node("Mul", List.of(graph.current(), graph.constant("scale", scale, channels)), nhwc);
        graph.node("Add", List.of(graph.current(), graph.constant("shift", shift, channels)), nhwc);
        graph.node("Transpose", List.of(graph.current()), new long[]{channels, spec.height(), spec.width()},
                OnnxGraph.ints("perm", 0, 3, 1, 2));
    }

    /** The last node's output becomes the graph output {@value #OUTPUT}. */
    private static void renameOutput(OnnxGraph graph) {
        var g = graph.proto();
        int last = g.getNodeCount() - 1;
        g.setNode(last, g.getNode(last).toBuilder().setOutput(0, OUTPUT));
        g.setOutput(0, g.getOutput(0).toBuilder().setName(OUTPUT));
    }

    private static ValueInfoProto tensor(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT).setShape(shape))).build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
