package dev.sparkcnn.driver.config;

import static dev.sparkcnn.driver.config.Choices.require;

import dev.sparkcnn.datasets.Augmentation;

/**
 * Where the data is and how it is read, split and transformed.
 *
 * @param path          dataset location: a path or any Hadoop FileSystem URI (required)
 * @param format        null = detect from the files
 * @param labelSet      CIFAR-100 only; null = fine
 * @param imageSize     image folders only: side of the square the images are resized to; null = 32
 * @param onBadRecord   image folders only; null = fail
 * @param testFraction  fraction of each partition held out for testing
 * @param augmentation  random transforms of training images ({@link Augmentation#NONE} when off)
 * @param normalize     {@code model}, {@code dataset} or given numbers ({@link NormalizationSetting}), as
 *                      written (trimmed)
 */
public record DataSettings(String path, DatasetFormat format, LabelSet labelSet, Integer imageSize,
                           BadRecordPolicy onBadRecord, double testFraction, Augmentation augmentation,
                           String normalize) {
    public static final double DEFAULT_TEST_FRACTION = 0.2;

    public DataSettings {
        require(path != null && !path.isBlank(), "--data", "is required: a directory or URI holding the dataset files");
        require(labelSet == null || format == null || format.hasLabelSets(), "--label-set",
                "applies to CIFAR-100 only, but the format is " + id(format) + "; remove it");
        require(imageSize == null || (imageSize >= 4 && imageSize <= 1024), "--image-size",
                "must be between 4 and 1024 pixels, got " + imageSize);
        require(imageSize == null || format == null || format.resizes(), "--image-size",
                "applies to image folders only, but the format is " + id(format) + "; remove it");
        require(testFraction > 0 && testFraction < 1, "--test-fraction",
                "must be strictly between 0 and 1, got " + testFraction);
        augmentation = augmentation == null ? Augmentation.NONE : augmentation;
        normalize = normalize == null ? NormalizationSetting.MODEL : normalize.trim();
        NormalizationSetting.parse(normalize);
    }

    /** Parses {@code --augment}'s text (null = none). */
    public static Augmentation augmentation(String text) {
        try {
            return Augmentation.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--augment " + e.getMessage());
        }
    }

    /** Where the input normalization comes from. */
    public NormalizationSetting normalization() {
        return NormalizationSetting.parse(normalize);
    }

    /** True when unreadable images are skipped (with a warning and a count) instead of failing the run. */
    public boolean skipBadRecords() {
        return onBadRecord == BadRecordPolicy.SKIP;
    }

    /** A copy with the format decided, and the label set and image size that are in effect for it. */
    public DataSettings withFormat(DatasetFormat detected, LabelSet labels, Integer size) {
        return new DataSettings(path, detected, labels, size, onBadRecord, testFraction, augmentation, normalize);
    }

    private static String id(DatasetFormat format) {
        return format == null ? null : format.id();
    }
}
