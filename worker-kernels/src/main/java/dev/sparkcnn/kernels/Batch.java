package dev.sparkcnn.kernels;

/**
 * One mini-batch, ready for a {@link Network}: normalized float features in NCHW order and the
 * class labels. The arrays are exact (features hold {@code size} images, labels {@code size}
 * entries) and owned by this batch: nothing reuses them after it is handed out.
 *
 * @param features {@code size x channels x height x width} floats, image after image
 * @param labels   the class index of each image
 * @param size     the number of images, at least 1
 */
public record Batch(float[] features, int[] labels, int size) {

    public Batch {
        if (features == null || labels == null) {
            throw new IllegalArgumentException("features and labels must not be null");
        }
        if (size < 1) {
            throw new IllegalArgumentException("a batch needs at least one image, got size " + size);
        }
        if (labels.length != size || features.length % size != 0) {
            throw new IllegalArgumentException("batch of " + size + " images has " + labels.length + " labels and "
                    + features.length + " feature values (must be " + size + " labels and a multiple of " + size
                    + " values)");
        }
    }

    /** The number of feature values per image. */
    public int imageSize() {
        return features.length / size;
    }
}
