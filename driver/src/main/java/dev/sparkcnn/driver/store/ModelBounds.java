package dev.sparkcnn.driver.store;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.kernels.model.ModelSpec;

/**
 * Upper bounds on the sizes {@code model.json} and {@code checkpoint.json} declare, checked as soon
 * as they are parsed and before a network is built from them: a damaged or foreign file that
 * claims 20,000,000 classes or a 10^6-pixel side fails here with the file and the field named,
 * instead of making the driver allocate gigabytes. The bounds are far above any model this
 * project trains (the largest catalogue input is 3x224x224 with 1,000 classes).
 */
final class ModelBounds {
    static final int MAX_CHANNELS = 1024;
    static final int MAX_SIDE = 16_384;
    /** channels x height x width of one input image. */
    static final long MAX_IMAGE_VALUES = 1L << 26;
    static final int MAX_CLASSES = 100_000;

    private ModelBounds() {
    }

    /** Checks the spec, data shape and state sizes of a {@code model.json}. */
    static void check(ModelDirectory.ModelInfo info, String file) {
        require(info.spec() != null, file, "spec", "is missing");
        require(info.data() != null, file, "data", "is missing");
        require(info.engine() != null, file, "engine", "is missing");
        check(info.spec(), file, "spec");
        check(info.data(), file, "data");
        require(info.numParams() > 0 && info.numParams() <= StateFile.MAX_VALUES, file, "numParams",
                info.numParams() + " is outside 1.." + StateFile.MAX_VALUES);
        require(info.updaterStateSize() >= 0 && info.updaterStateSize() <= StateFile.MAX_VALUES, file,
                "updaterStateSize", info.updaterStateSize() + " is outside 0.." + StateFile.MAX_VALUES);
        require(info.iteration() >= 0, file, "iteration", info.iteration() + " is negative");
    }

    /** Checks a model spec's input shape and class count. */
    static void check(ModelSpec spec, String file, String field) {
        shape(spec.channels(), spec.height(), spec.width(), file, field);
        require(spec.numClasses() <= MAX_CLASSES, file, field + ".numClasses",
                spec.numClasses() + " is more than the limit of " + MAX_CLASSES);
    }

    /** Checks a dataset spec's image shape and class count. */
    static void check(DatasetSpec data, String file, String field) {
        shape(data.channels(), data.height(), data.width(), file, field);
        require(data.numClasses() <= MAX_CLASSES, file, field + ".classNames",
                data.numClasses() + " classes are more than the limit of " + MAX_CLASSES);
    }

    private static void shape(int channels, int height, int width, String file, String field) {
        require(channels <= MAX_CHANNELS, file, field + ".channels", channels + " is more than " + MAX_CHANNELS);
        require(height <= MAX_SIDE, file, field + ".height", height + " is more than " + MAX_SIDE);
        require(width <= MAX_SIDE, file, field + ".width", width + " is more than " + MAX_SIDE);
        require((long) channels * height * width <= MAX_IMAGE_VALUES, file, field,
                channels + "x" + height + "x" + width + " values per image are more than " + MAX_IMAGE_VALUES);
    }

    private static void require(boolean ok, String file, String field, String problem) {
        if (!ok) {
            throw new InvalidDataException(file + ": " + field + " " + problem
                    + "; the file is damaged or not from this project");
        }
    }
}
