package dev.sparkcnn.kernels.model;

import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.kernels.optim.Optimizer;
import dev.sparkcnn.kernels.optim.TrainingOptions;
import java.io.Serializable;

/**
 * What a network trains with unless told otherwise, as a definition file's optional
 * {@code defaults} gives it.
 *
 * @param optimizer         the optimizer
 * @param learningRate      the learning rate, &gt; 0
 * @param batchSize         the mini-batch size, &gt; 0
 * @param normalizationMean per-channel mean subtracted after scaling pixels to [0,1]
 * @param normalizationStd  per-channel standard deviation divided by after that, &gt; 0
 * @param training          weight decay, label smoothing and the learning-rate schedule the network
 *                          trains with unless the run sets them (without run facts)
 */
public record TrainingDefaults(Optimizer optimizer, double learningRate, int batchSize, float normalizationMean,
                               float normalizationStd, TrainingOptions training) implements Serializable {

    /** Defaults without training options. */
    public TrainingDefaults(Optimizer optimizer, double learningRate, int batchSize, float normalizationMean,
                            float normalizationStd) {
        this(optimizer, learningRate, batchSize, normalizationMean, normalizationStd, TrainingOptions.NONE);
    }

    /** When a definition gives none: Adam, 0.001, batches of 64, pixels in [0,1]. */
    public static final TrainingDefaults STANDARD = new TrainingDefaults(Optimizer.ADAM, 0.001, 64, 0f, 1f);

    public TrainingDefaults {
        training = training == null ? TrainingOptions.NONE : training;
        if (training.run() != null) {
            throw new LayerSpec.Invalid("schedule", "defaults cannot fix a run's steps");
        }
        if (optimizer == null) {
            throw new LayerSpec.Invalid("optimizer", "is required");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new LayerSpec.Invalid("learningRate", "must be a finite number > 0, got " + learningRate);
        }
        LayerSpec.requirePositive("batchSize", batchSize);
        if (!(normalizationStd > 0) || !Float.isFinite(normalizationMean) || Float.isInfinite(normalizationStd)) {
            throw new LayerSpec.Invalid("normalization", "needs a finite mean and a finite std > 0, got mean "
                    + normalizationMean + ", std " + normalizationStd);
        }
    }

    /** The input normalization for images with the given channel count. */
    public Normalization normalization(int channels) {
        return Normalization.uniform(normalizationMean, normalizationStd, channels);
    }
}
