package dev.sparkcnn.kernels.dl4j;

import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.optim.Optimizer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration.ListBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The catalogue models as DL4J layer stacks (NCHW, float32). Weight initialisation follows the
 * framework each model comes from: PyTorch's default for {@code simple-cnn} (DL4J {@code UNIFORM},
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)), biases 0 instead of PyTorch's uniform biases) and Keras' default
 * for the others ({@code XAVIER_UNIFORM} = glorot_uniform, biases 0).
 */
public final class Dl4jModels {

    private Dl4jModels() {
    }

    /** The network configuration of a spec's model (exporters and peer benchmarks build the same network). */
    public static MultiLayerConfiguration configuration(ModelSpec spec) {
        return switch (spec.model()) {
            case ModelCatalogue.SIMPLE_CNN -> simpleCnn(spec);
            case ModelCatalogue.MNIST_CNN -> mnistCnn(spec);
            case ModelCatalogue.CIFAR_CNN -> cifarCnn(spec);
            default -> throw new IllegalArgumentException("engine dl4j has no layers for model '" + spec.model() + "'");
        };
    }

    private static MultiLayerConfiguration simpleCnn(ModelSpec spec) {
        ListBuilder layers = base(spec, WeightInit.UNIFORM).list()
                .layer(sameConv(16))
                .layer(maxPool())
                .layer(sameConv(32))
                .layer(maxPool());
        return finish(layers, spec);
    }

    private static MultiLayerConfiguration mnistCnn(ModelSpec spec) {
        ListBuilder layers = base(spec, WeightInit.XAVIER_UNIFORM).list()
                .layer(validConv(32))
                .layer(maxPool())
                .layer(validConv(64))
                .layer(maxPool())
                .layer(dense(128));
        return finish(layers, spec);
    }

    private static MultiLayerConfiguration cifarCnn(ModelSpec spec) {
        ListBuilder layers = base(spec, WeightInit.XAVIER_UNIFORM).list()
                .layer(validConv(32))
                .layer(maxPool())
                .layer(validConv(64))
                .layer(maxPool())
                .layer(validConv(64))
                .layer(dense(64));
        return finish(layers, spec);
    }

    /** The spec's optimizer as a DL4J updater. */
    static IUpdater updater(ModelSpec spec) {
        return switch (spec.effectiveOptimizer()) {
            case ADAM -> new Adam(spec.learningRate());
            // DL4J has no classic (PyTorch-style) momentum updater; Nesterovs is the closest built-in.
            case NESTEROVS -> new Nesterovs(spec.learningRate(), Optimizer.MOMENTUM);
            case SGD -> new Sgd(spec.learningRate());
        };
    }

    private static NeuralNetConfiguration.Builder base(ModelSpec spec, WeightInit init) {
        IUpdater updater = updater(spec);
        return new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT)
                .updater(updater)
                .weightInit(init)
                .convolutionMode(ConvolutionMode.Truncate)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
    }

    private static MultiLayerConfiguration finish(ListBuilder layers, ModelSpec spec) {
        return layers
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(spec.numClasses()).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(spec.height(), spec.width(), spec.channels()))
                .build();
    }

    /** 3x3, stride 1, zero padding 1: keeps the spatial size. */
    private static ConvolutionLayer sameConv(int channels) {
        return new ConvolutionLayer.Builder(3, 3).stride(1, 1).padding(1, 1).nOut(channels)
                .activation(Activation.RELU).build();
    }

    /** 3x3, stride 1, no padding: loses 2 pixels per side length. */
    private static ConvolutionLayer validConv(int channels) {
        return new ConvolutionLayer.Builder(3, 3).stride(1, 1).padding(0, 0).nOut(channels)
                .activation(Activation.RELU).build();
    }

    /** 2x2 max-pooling, stride 2, remainder dropped. */
    private static SubsamplingLayer maxPool() {
        return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
    }

    private static DenseLayer dense(int units) {
        return new DenseLayer.Builder().nOut(units).activation(Activation.RELU).build();
    }
}
