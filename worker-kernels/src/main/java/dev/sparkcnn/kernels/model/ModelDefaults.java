package dev.sparkcnn.kernels.model;

import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.kernels.optim.Optimizer;
import java.io.Serializable;

/**
 * What a catalogue model uses unless told otherwise, and what it needs from its input.
 *
 * @param name              the model's catalogue name
 * @param description       one line: architecture and where it comes from
 * @param optimizer         the tutorial's optimizer, used unless a {@link ModelSpec} overrides it
 * @param learningRate      the default learning rate
 * @param batchSize         the default mini-batch size
 * @param normalizationMean per-channel mean subtracted after scaling pixels to [0,1]
 * @param normalizationStd  per-channel standard deviation divided by after that
 * @param minImageSide      the smallest height/width the layer stack accepts (each layer needs &gt;= 1 pixel)
 */
public record ModelDefaults(String name, String description, Optimizer optimizer, double learningRate, int batchSize,
                            float normalizationMean, float normalizationStd, int minImageSide)
        implements Serializable {

    /** The input normalization this model was designed with, for images with the given channel count. */
    public Normalization normalization(int channels) {
        return Normalization.uniform(normalizationMean, normalizationStd, channels);
    }
}
