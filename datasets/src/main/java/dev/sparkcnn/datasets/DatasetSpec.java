package dev.sparkcnn.datasets;

import java.io.Serializable;
import java.util.List;

/**
 * The shape of a dataset's images and its classes: what a model needs to know to be built for it.
 *
 * @param channels   1 for grey-scale (MNIST), 3 for RGB (CIFAR)
 * @param height     image height in pixels
 * @param width      image width in pixels
 * @param classNames one human-readable name per label index; its size is the number of classes
 */
public record DatasetSpec(int channels, int height, int width, List<String> classNames) implements Serializable {

    public DatasetSpec {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "image shape must be positive, got " + channels + "x" + height + "x" + width);
        }
        if (classNames == null || classNames.size() < 2) {
            throw new IllegalArgumentException("a dataset needs at least 2 classes, got " + classNames);
        }
        classNames = List.copyOf(classNames);
    }

    public int numClasses() {
        return classNames.size();
    }

    /** Bytes of one image: channels x height x width. */
    public int imageBytes() {
        return channels * height * width;
    }

    /** Class names "0", "1", ... for datasets that do not name their classes. */
    public static List<String> numberedClasses(int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(Integer::toString).toList();
    }
}
