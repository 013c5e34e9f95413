package dev.sparkcnn.kernels.dl4j;

import dev.sparkcnn.kernels.model.Activation;
import dev.sparkcnn.kernels.model.LayerSpec;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.Padding;
import dev.sparkcnn.kernels.model.Residual;
import dev.sparkcnn.kernels.model.Shape;
import dev.sparkcnn.kernels.model.WeightInit;
import dev.sparkcnn.kernels.optim.LrSchedule;
import dev.sparkcnn.kernels.optim.Optimizer;
import dev.sparkcnn.kernels.optim.TrainingOptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration.ListBuilder;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/**
 * Compiles a network definition into DL4J configurations (NCHW, float32): a
 * {@link MultiLayerConfiguration} for a plain stack, a {@link ComputationGraphConfiguration} for
 * any network (residual blocks become a main branch, a shortcut and an {@code Add} vertex, then an
 * activation layer). Every DL4J layer is named after its definition index ({@code 3}, {@code 4.1},
 * {@code 4.shortcut}, {@code 4.shortcut.bn}), and {@link #params} names, for each array of the
 * definition's {@linkplain ModelSpec#layout() layout} in its order, the DL4J layer and parameter
 * key holding it, so {@link Dl4jLayout} can move states between the layout and DL4J's own order.
 */
public final class Dl4jModels {

    /** The graph's input vertex. */
    static final String INPUT = "input";

    private Dl4jModels() {
    }

    /** A layer DL4J cannot build: its index in the definition, its description and why. */
    public static final class UnsupportedLayer extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String index;
        private final String layer;
        private final String why;

        UnsupportedLayer(ModelSpec spec, String index, LayerSpec layer, String why) {
            super("DL4J cannot build layer " + index + " (" + layer.describe() + ") of model '" + spec.model()
                    + "': " + why);
            this.index = index;
            this.layer = layer.describe();
            this.why = why;
        }

        public String index() {
            return index;
        }

        public String layer() {
            return layer;
        }

        public String why() {
            return why;
        }
    }

    /** The DL4J layer of a plain spec, or {@link UnsupportedLayer} naming it. */
    private static Layer layer(ModelSpec spec, LayerSpec layer, String index) {
        try {
            return Dl4jLayers.layer(layer, spec.numClasses());
        } catch (IllegalArgumentException e) {
            throw new UnsupportedLayer(spec, index, layer, e.getMessage());
        }
    }

    /** Where one array of the layout lives in a DL4J network: the layer's name and the parameter's key. */
    public record ParamRef(String layer, String key) {
    }

    /** Whether the spec's network is a plain stack (no residual block), which a MultiLayerNetwork can hold. */
    public static boolean sequential(ModelSpec spec) {
        return spec.definition().layers().stream().noneMatch(l -> l instanceof Residual);
    }

    /**
     * The plain stack as a MultiLayerConfiguration (exporters and peer benchmarks build the same network).
     *
     * @throws IllegalArgumentException naming the first residual block (it needs a ComputationGraph: {@link #graph})
     */
    public static MultiLayerConfiguration configuration(ModelSpec spec) {
        ListBuilder builder = base(spec).list();
        List<LayerSpec> layers = spec.definition().layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            if (layer instanceof Residual) {
                throw new UnsupportedLayer(spec, String.valueOf(i), layer, "a MultiLayerNetwork cannot hold a "
                        + "residual block (it needs a ComputationGraph)");
            }
            Layer conf = layer(spec, layer, String.valueOf(i));
            if (conf != null) {
                builder.layer(named(conf, String.valueOf(i)));
            }
        }
        MultiLayerConfiguration conf = builder.setInputType(InputType.convolutional(spec.height(), spec.width(),
                spec.channels())).build();
        conf.getConfs().forEach(layer -> onceEach(layer.getLayer()));
        return conf;
    }

    /**
     * The configuration with a constant learning rate (the spec's base rate) in place of a schedule,
     * for files read without sparkcnn's classes (DL4J zip and ONNX exports); the rest is
     * {@link #configuration}'s.
     */
    public static MultiLayerConfiguration portableConfiguration(ModelSpec spec) {
        return configuration(portable(spec));
    }

    /** {@link #graph} with a constant learning rate, as {@link #portableConfiguration}. */
    public static ComputationGraphConfiguration portableGraph(ModelSpec spec) {
        return graph(portable(spec));
    }

    private static ModelSpec portable(ModelSpec spec) {
        TrainingOptions t = spec.training();
        return spec.withTraining(new TrainingOptions(t.weightDecay(), t.labelSmoothing(), LrSchedule.CONSTANT, null));
    }

    /** Each regularization of a layer once (see {@link #decay}). */
    private static void onceEach(Layer layer) {
        if (layer instanceof BaseLayer b && b.getRegularization() != null) {
            b.setRegularization(new ArrayList<>(new LinkedHashSet<>(b.getRegularization())));
        }
    }

    /** Any network of the spec as a ComputationGraphConfiguration, one input and one output. */
    public static ComputationGraphConfiguration graph(ModelSpec spec) {
        GraphBuilder graph = base(spec).graphBuilder().addInputs(INPUT);
        String last = new Walk(spec, graph, null).layers(spec.definition().layers(), "", INPUT);
        ComputationGraphConfiguration conf = graph.setOutputs(last)
                .setInputTypes(InputType.convolutional(spec.height(), spec.width(), spec.channels())).build();
        for (GraphVertex vertex : conf.getVertices().values()) {
            if (vertex instanceof LayerVertex layer) {
                onceEach(layer.getLayerConf().getLayer());
            }
        }
        return conf;
    }

    /** For each array of the spec's layout, in order, the DL4J layer and key holding it. */
    public static List<ParamRef> params(ModelSpec spec) {
        List<ParamRef> refs = new ArrayList<>();
        new Walk(spec, null, refs).layers(spec.definition().layers(), "", INPUT);
        return refs;
    }

    /**
     * The definition's layers in order: adds them to a graph builder (if any) and records the
     * parameter references (if asked). Returns the last vertex's name.
     */
    private static final class Walk {
        private final ModelSpec spec;
        private final GraphBuilder graph;
        private final List<ParamRef> refs;
        private Shape shape; // the current layer's input

        Walk(ModelSpec spec, GraphBuilder graph, List<ParamRef> refs) {
            this.spec = spec;
            this.graph = graph;
            this.refs = refs;
            this.shape = spec.input();
        }

        String layers(List<LayerSpec> layers, String prefix, String input) {
            String previous = input;
            for (int i = 0; i < layers.size(); i++) {
                LayerSpec layer = layers.get(i);
                String name = prefix + i;
                if (layer instanceof Residual r) {
                    previous = residual(r, name, previous);
                } else {
                    shape = layer.outputShape(shape, spec.numClasses());
                    Layer conf = layer(spec, layer, name);
                    if (conf != null) {
                        previous = add(name, conf, Dl4jLayers.keys(layer), previous);
                    }
                }
            }
            return previous;
        }

        private String residual(Residual block, String name, String input) {
            Shape in = shape;
            String main = layers(block.layers(), name + ".", input);
            String shortcut = input;
            if (block.projection()) {
                int filters = block.outputShape(in, spec.numClasses()).channels();
                shortcut = add(name + ".shortcut", Dl4jLayers.conv(filters, 1, block.stride(), Padding.VALID, false,
                        Activation.IDENTITY), List.of("W"), shortcut);
                shortcut = add(name + ".shortcut.bn", Dl4jLayers.batchNorm(block.shortcutNorm()),
                        Dl4jLayers.BATCH_NORM_KEYS, shortcut);
            }
            String sum = name + ".add";
            if (graph != null) {
                graph.addVertex(sum, new ElementWiseVertex(ElementWiseVertex.Op.Add), main, shortcut);
            }
            if (block.activation() == Activation.IDENTITY) {
                return sum;
            }
            return add(name + ".activation", Dl4jLayers.activationLayer(block.activation()), List.of(), sum);
        }

        private String add(String name, Layer conf, List<String> keys, String input) {
            if (graph != null) {
                graph.addLayer(name, named(conf, name), input);
            }
            if (refs != null) {
                keys.forEach(key -> refs.add(new ParamRef(name, key)));
            }
            return name;
        }
    }

    private static Layer named(Layer conf, String name) {
        conf.setLayerName(name);
        return conf;
    }

    /**
     * The spec's optimizer as a DL4J updater; a schedule (or a learning rate scaled for the workers)
     * as {@link Dl4jSchedule}.
     */
    static IUpdater updater(ModelSpec spec) {
        TrainingOptions t = spec.training();
        boolean fixed = t.schedule().constant() && (t.run() == null || t.run().lrScale() == 1);
        if (fixed) {
            return switch (spec.effectiveOptimizer()) {
                case ADAM -> new Adam(spec.learningRate());
                // DL4J has no classic (PyTorch-style) momentum updater; Nesterovs is the closest built-in.
                case NESTEROVS -> new Nesterovs(spec.learningRate(), Optimizer.MOMENTUM);
                case SGD -> new Sgd(spec.learningRate());
            };
        }
        Dl4jSchedule schedule = new Dl4jSchedule(spec);
        return switch (spec.effectiveOptimizer()) {
            case ADAM -> new Adam(schedule);
            case NESTEROVS -> new Nesterovs(schedule, Optimizer.MOMENTUM);
            case SGD -> new Sgd(schedule);
        };
    }

    /**
     * Weight decay as DL4J applies it to the weights only (its {@code l2Bias} and
     * {@code weightDecayBias} stay 0): L2 on the gradient for SGD and Nesterov momentum, decoupled
     * and scaled by the step's learning rate for Adam (AdamW), as {@link dev.sparkcnn.kernels.optim.UpdaterRule} does.
     * M2 puts a global {@code WeightDecay} into each layer's list twice (decaying twice as fast;
     * measured, see {@code TrainingOptionsEngineTest}), so the configurations remove repeats.
     */
    private static NeuralNetConfiguration.Builder decay(NeuralNetConfiguration.Builder builder, ModelSpec spec) {
        double wd = spec.training().weightDecay();
        if (wd == 0) {
            return builder;
        }
        return builder.regularization(List.of(spec.effectiveOptimizer() == Optimizer.ADAM
                ? new WeightDecay(wd, true) : new L2Regularization(wd)));
    }

    private static NeuralNetConfiguration.Builder base(ModelSpec spec) {
        return decay(new NeuralNetConfiguration.Builder(), spec)
                .seed(spec.seed())
                .dataType(DataType.FLOAT)
                .updater(updater(spec))
                .weightInit(spec.definition().weightInit() == WeightInit.XAVIER_UNIFORM
                        ? org.deeplearning4j.nn.weights.WeightInit.XAVIER_UNIFORM
                        : org.deeplearning4j.nn.weights.WeightInit.UNIFORM)
                .convolutionMode(ConvolutionMode.Truncate)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
    }
}
