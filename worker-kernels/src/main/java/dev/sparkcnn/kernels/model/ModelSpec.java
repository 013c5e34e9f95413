package dev.sparkcnn.kernels.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.kernels.optim.Optimizer;
import dev.sparkcnn.kernels.optim.TrainingOptions;
import java.io.Serializable;

/**
 * Which network to build and for what input: a network definition (a catalogue model's or a
 * user's), the NCHW input shape, the number of classes and the optimizer's hyper-parameters.
 * Engine-neutral and validated on construction (shape inference included), so a bad combination
 * fails on the driver before any Spark job starts.
 *
 * <p>As JSON (in {@code model.json} and checkpoints) it is the model's name, the shape, classes and
 * hyper-parameters, and the whole definition under {@code network}; JSON written before definitions
 * existed has no {@code network}, and its name is looked up in the {@link ModelCatalogue}.
 *
 * @param definition   the network
 * @param channels     input channels (1 grey-scale, 3 RGB)
 * @param height       input height in pixels
 * @param width        input width in pixels
 * @param numClasses   output classes, at least 2
 * @param learningRate the optimizer's learning rate, &gt; 0
 * @param seed         seed of the parameter initialisation
 * @param optimizer    an {@link Optimizer#id()}; {@code null} = the definition's default
 * @param training     weight decay, label smoothing and the learning-rate schedule; in JSON under
 *                     {@code training}, written only when any is set ({@code null} = {@link TrainingOptions#NONE})
 */
public record ModelSpec(@JsonIgnore NetworkDefinition definition, int channels, int height, int width, int numClasses,
                        double learningRate, long seed, String optimizer, @JsonIgnore TrainingOptions training)
        implements Serializable {

    /** A spec without training options. */
    public ModelSpec(NetworkDefinition definition, int channels, int height, int width, int numClasses,
                     double learningRate, long seed, String optimizer) {
        this(definition, channels, height, width, numClasses, learningRate, seed, optimizer, TrainingOptions.NONE);
    }

    /** A spec of a catalogue model. */
    public ModelSpec(String model, int channels, int height, int width, int numClasses, double learningRate,
                     long seed, String optimizer) {
        this(ModelCatalogue.definition(model), channels, height, width, numClasses, learningRate, seed, optimizer);
    }

    /** A spec of a catalogue model with its default optimizer. */
    public ModelSpec(String model, int channels, int height, int width, int numClasses, double learningRate,
                     long seed) {
        this(model, channels, height, width, numClasses, learningRate, seed, null);
    }

    public ModelSpec {
        training = training == null ? TrainingOptions.NONE : training;
        if (definition == null) {
            throw new IllegalArgumentException("a model spec needs a network definition");
        }
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "input shape must be positive, got " + channels + "x" + height + "x" + width);
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
        checkShapes(definition, Shape.image(channels, height, width), numClasses);
    }

    /** Reads the JSON form (see the class comment). */
    @JsonCreator
    static ModelSpec fromJson(@JsonProperty("model") String model, @JsonProperty("channels") int channels,
                              @JsonProperty("height") int height, @JsonProperty("width") int width,
                              @JsonProperty("numClasses") int numClasses,
                              @JsonProperty("learningRate") double learningRate, @JsonProperty("seed") long seed,
                              @JsonProperty("optimizer") String optimizer, @JsonProperty("network") JsonNode network,
                              @JsonProperty("training") JsonNode training) {
        NetworkDefinition definition = network == null || network.isNull() ? ModelCatalogue.definition(model)
                : DefinitionReader.read(network.toString(), "the stored definition of model '" + model + "'", model);
        return new ModelSpec(definition, channels, height, width, numClasses, learningRate, seed, optimizer,
                TrainingOptions.fromJson(training));
    }

    /** The training options as JSON; absent when none is set, so specs without them write as before. */
    @JsonProperty("training")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    JsonNode trainingJson() {
        return training.equals(TrainingOptions.NONE) ? null : training.toJson();
    }

    /** The definition as a JSON tree, for the JSON form. */
    @JsonProperty("network")
    JsonNode network() {
        try {
            return new ObjectMapper().readTree(DefinitionWriter.write(definition));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the definition writer wrote invalid JSON", e);
        }
    }

    private static void checkShapes(NetworkDefinition definition, Shape input, int classes) {
        try {
            definition.summary(input, classes);
        } catch (DefinitionException e) {
            int min = definition.minImageSide(input.channels(), classes);
            if (definition.input() == null && min > Math.min(input.height(), input.width())) {
                throw new DefinitionException("model '" + definition.name() + "' needs images of at least " + min + "x"
                        + min + " pixels, got " + input.height() + "x" + input.width() + "; choose a model with fewer "
                        + "layers (e.g. simple-cnn) or larger images (" + e.getMessage() + ")");
            }
            throw e;
        }
    }

    /**
     * The spec of a catalogue model for a dataset's image shape and classes.
     *
     * @param learningRateOrNull the learning rate, or {@code null} for the model's default
     */
    public static ModelSpec of(String model, DatasetSpec data, Double learningRateOrNull, long seed) {
        return of(ModelCatalogue.definition(model), data, learningRateOrNull, seed);
    }

    /**
     * The spec of a definition for a dataset's image shape and classes ({@code null} rate = its
     * default), with the definition's default training options.
     */
    public static ModelSpec of(NetworkDefinition definition, DatasetSpec data, Double learningRateOrNull, long seed) {
        double learningRate = learningRateOrNull != null ? learningRateOrNull : definition.defaults().learningRate();
        return new ModelSpec(definition, data.channels(), data.height(), data.width(), data.numClasses(),
                learningRate, seed, null, definition.defaults().training());
    }

    /** The network's name: a catalogue name, or a user definition's. */
    @JsonProperty("model")
    public String model() {
        return definition.name();
    }

    /** The per-example input shape. */
    public Shape input() {
        return Shape.image(channels, height, width);
    }

    /** Shape inference for this input and class count: per-layer shapes, parameter counts, the layout. */
    public NetworkSummary summary() {
        return definition.summary(input(), numClasses);
    }

    /** The order and shape of every array of the flat parameter vector. */
    public ParamLayout layout() {
        return summary().layout();
    }

    /** The optimizer to train with: the override, or the definition's default. */
    public Optimizer effectiveOptimizer() {
        return optimizer != null ? Optimizer.of(optimizer) : definition.defaults().optimizer();
    }

    /** The same spec with another optimizer ({@code null} = the model's default). */
    public ModelSpec withOptimizer(Optimizer newOptimizer) {
        return new ModelSpec(definition, channels, height, width, numClasses, learningRate, seed,
                newOptimizer == null ? null : newOptimizer.id(), training);
    }

    /** Values of one input image: channels x height x width. */
    public int imageSize() {
        return channels * height * width;
    }

    /** The same spec with another learning rate. */
    public ModelSpec withLearningRate(double newLearningRate) {
        return new ModelSpec(definition, channels, height, width, numClasses, newLearningRate, seed, optimizer,
                training);
    }

    /** The same spec with another seed. */
    public ModelSpec withSeed(long newSeed) {
        return new ModelSpec(definition, channels, height, width, numClasses, learningRate, newSeed, optimizer,
                training);
    }

    /** The same spec with other training options ({@code null} = none). */
    public ModelSpec withTraining(TrainingOptions newTraining) {
        return new ModelSpec(definition, channels, height, width, numClasses, learningRate, seed, optimizer,
                newTraining);
    }
}
