package dev.sparkcnn.kernels.model;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.kernels.optim.Optimizer;
import java.io.Serializable;

/**
 * Which network to build and for what input: a catalogue model name, the NCHW input shape, the
 * number of classes and the optimizer's hyper-parameters. Engine-neutral and validated on
 * construction, so a bad combination fails on the driver before any Spark job starts.
 *
 * @param model        a name from {@link ModelCatalogue#names()}
 * @param channels     input channels (1 grey-scale, 3 RGB)
 * @param height       input height in pixels
 * @param width        input width in pixels
 * @param numClasses   output classes, at least 2
 * @param learningRate the optimizer's learning rate, &gt; 0
 * @param seed         seed of the parameter initialisation
 * @param optimizer    an {@link Optimizer#id()}; {@code null} = the model's default ({@link ModelDefaults#optimizer()})
 */
public record ModelSpec(String model, int channels, int height, int width, int numClasses, double learningRate,
                        long seed, String optimizer) implements Serializable {

    /** A spec with the model's default optimizer. */
    public ModelSpec(String model, int channels, int height, int width, int numClasses, double learningRate,
                     long seed) {
        this(model, channels, height, width, numClasses, learningRate, seed, null);
    }

    public ModelSpec {
        ModelDefaults defaults = ModelCatalogue.defaults(model);
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "input shape must be positive, got " + channels + "x" + height + "x" + width);
        }
        if (Math.min(height, width) < defaults.minImageSide()) {
            throw new IllegalArgumentException("model '" + model + "' needs images of at least "
                    + defaults.minImageSide() + "x" + defaults.minImageSide() + " pixels, got " + height + "x" + width
                    + "; choose a model with fewer layers (e.g. simple-cnn) or larger images");
        }
        if (optimizer != null) {
            Optimizer.of(optimizer); // validates the name
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("a model needs at least 2 classes, got " + numClasses);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + learningRate);
        }
    }

    /**
     * The spec of a catalogue model for a dataset's image shape and classes.
     *
     * @param learningRateOrNull the learning rate, or {@code null} for the catalogue default
     */
    public static ModelSpec of(String model, DatasetSpec data, Double learningRateOrNull, long seed) {
        double learningRate = learningRateOrNull != null
                ? learningRateOrNull : ModelCatalogue.defaults(model).learningRate();
        return new ModelSpec(model, data.channels(), data.height(), data.width(), data.numClasses(), learningRate,
                seed);
    }

    /** The optimizer to train with: the override, or the model's default. */
    public Optimizer effectiveOptimizer() {
        return optimizer != null ? Optimizer.of(optimizer) : ModelCatalogue.defaults(model).optimizer();
    }

    /** The same spec with another optimizer ({@code null} = the model's default). */
    public ModelSpec withOptimizer(Optimizer newOptimizer) {
        return new ModelSpec(model, channels, height, width, numClasses, learningRate, seed,
                newOptimizer == null ? null : newOptimizer.id());
    }

    /** Values of one input image: channels x height x width. */
    public int imageSize() {
        return channels * height * width;
    }

    /** The same spec with another learning rate. */
    public ModelSpec withLearningRate(double newLearningRate) {
        return new ModelSpec(model, channels, height, width, numClasses, newLearningRate, seed, optimizer);
    }

    /** The same spec with another seed. */
    public ModelSpec withSeed(long newSeed) {
        return new ModelSpec(model, channels, height, width, numClasses, learningRate, newSeed, optimizer);
    }
}
