package dev.sparkcnn.kernels.dl4j;

import dev.sparkcnn.kernels.model.Activation;
import dev.sparkcnn.kernels.model.ActivationLayer;
import dev.sparkcnn.kernels.model.Conv2d;
import dev.sparkcnn.kernels.model.Dense;
import dev.sparkcnn.kernels.model.Dropout;
import dev.sparkcnn.kernels.model.Flatten;
import dev.sparkcnn.kernels.model.GlobalAvgPool;
import dev.sparkcnn.kernels.model.LayerSpec;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.Padding;
import dev.sparkcnn.kernels.model.Pool2d;
import dev.sparkcnn.kernels.model.WeightInit;
import dev.sparkcnn.kernels.optim.LrSchedule;
import dev.sparkcnn.kernels.optim.Optimizer;
import dev.sparkcnn.kernels.optim.TrainingOptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration.ListBuilder;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Compiles a network definition into a DL4J {@link MultiLayerConfiguration} (NCHW, float32), one
 * case per layer type. DL4J's parameter layout per layer is the one the definition declares
 * (convolution bias then weights, dense weights 'f' then bias), and its initialisers are the
 * definition's ({@code UNIFORM} or {@code XAVIER_UNIFORM}, biases 0), so the initial state equals
 * the native engine's. Layers DL4J has but whose state would not fit the definition's layout (batch
 * normalization: DL4J keeps its running statistics outside the one optimizer block) and residual
 * blocks (a {@code ComputationGraph}) are refused, naming the layer.
 */
public final class Dl4jModels {

    private Dl4jModels() {
    }

    /**
     * The network configuration of a spec (exporters and peer benchmarks build the same network).
     *
     * @throws IllegalArgumentException naming the first layer this engine cannot build
     */
    public static MultiLayerConfiguration configuration(ModelSpec spec) {
        ListBuilder builder = base(spec).list();
        List<LayerSpec> layers = spec.definition().layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layer(layers.get(i), spec, String.valueOf(i));
            if (layer != null) {
                builder.layer(layer);
            }
        }
        MultiLayerConfiguration conf = builder.setInputType(InputType.convolutional(spec.height(), spec.width(),
                spec.channels())).build();
        for (NeuralNetConfiguration layer : conf.getConfs()) { // each regularization once (see decay())
            if (layer.getLayer() instanceof BaseLayer b && b.getRegularization() != null) {
                b.setRegularization(new ArrayList<>(new LinkedHashSet<>(b.getRegularization())));
            }
        }
        return conf;
    }

    private static Layer layer(LayerSpec layer, ModelSpec spec, String index) {
        if (layer instanceof Conv2d c) {
            return new ConvolutionLayer.Builder(c.kernel(), c.kernel()).stride(c.stride(), c.stride())
                    .padding(c.padding().amount(), c.padding().amount()).convolutionMode(mode(c.padding()))
                    .nOut(c.filters()).hasBias(c.bias()).activation(activation(c.activation())).build();
        }
        if (layer instanceof Pool2d p) {
            return new SubsamplingLayer.Builder(p.max() ? PoolingType.MAX : PoolingType.AVG)
                    .kernelSize(p.size(), p.size()).stride(p.stride(), p.stride())
                    .padding(p.padding().amount(), p.padding().amount()).convolutionMode(mode(p.padding()))
                    .avgPoolIncludePadInDivisor(false).build();
        }
        if (layer instanceof GlobalAvgPool) {
            return new GlobalPoolingLayer.Builder(PoolingType.AVG).build();
        }
        if (layer instanceof Flatten) {
            return null; // DL4J inserts the CNN-to-dense preprocessor itself, flattening (c, h, w)
        }
        if (layer instanceof Dropout d) {
            return new DropoutLayer.Builder(1 - d.rate()).build(); // DL4J's argument is the retain probability
        }
        if (layer instanceof ActivationLayer a) {
            return new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder()
                    .activation(activation(a.function())).build();
        }
        if (layer instanceof Dense d) {
            int units = d.units(spec.numClasses());
            if (d.activation() == Activation.SOFTMAX) {
                return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(units).hasBias(d.bias())
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build();
            }
            return new DenseLayer.Builder().nOut(units).hasBias(d.bias()).activation(activation(d.activation()))
                    .build();
        }
        String why = layer.type().equals("batchnorm")
                ? "DL4J keeps batch-norm running statistics outside its optimizer's single state block, so the state "
                        + "would not match the definition's layout"
                : "a " + layer.type() + " layer needs a ComputationGraph, which this engine does not build";
        throw new IllegalArgumentException("engine dl4j cannot build layer " + index + " (" + layer.describe()
                + ") of model '" + spec.model() + "': " + why + "; use --engine native");
    }

    private static ConvolutionMode mode(Padding padding) {
        return padding.same() ? ConvolutionMode.Same : ConvolutionMode.Truncate;
    }

    private static org.nd4j.linalg.activations.Activation activation(Activation activation) {
        return switch (activation) {
            case IDENTITY -> org.nd4j.linalg.activations.Activation.IDENTITY;
            case RELU -> org.nd4j.linalg.activations.Activation.RELU;
            case LEAKY_RELU -> org.nd4j.linalg.activations.Activation.LEAKYRELU;
            case ELU -> org.nd4j.linalg.activations.Activation.ELU;
            case SIGMOID -> org.nd4j.linalg.activations.Activation.SIGMOID;
            case TANH -> org.nd4j.linalg.activations.Activation.TANH;
            case SOFTMAX -> org.nd4j.linalg.activations.Activation.SOFTMAX;
        };
    }

    /**
     * The configuration with a constant learning rate (the spec's base rate) in place of a schedule,
     * for files read without sparkcnn's classes (DL4J zip and ONNX exports); the rest is
     * {@link #configuration}'s.
     */
    public static MultiLayerConfiguration portableConfiguration(ModelSpec spec) {
        TrainingOptions t = spec.training();
        return configuration(spec.withTraining(new TrainingOptions(t.weightDecay(), t.labelSmoothing(),
                LrSchedule.CONSTANT, null)));
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
     * measured, see {@code TrainingOptionsEngineTest}), so {@link #configuration} removes repeats.
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
