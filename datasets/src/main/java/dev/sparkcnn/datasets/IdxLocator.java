package dev.sparkcnn.datasets;

import java.util.List;

/**
 * Finds the four MNIST-style IDX files in a directory listing; the implementation of
 * {@link IdxFormat#locate}.
 */
final class IdxLocator {
    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final int NAMES_SHOWN = 20;

    private IdxLocator() {
    }

    static IdxFormat.IdxFiles locate(List<String> fileNames, String where) {
        String trainImages = find(fileNames, TRAIN_IMAGES);
        String trainLabels = find(fileNames, TRAIN_LABELS);
        String testImages = find(fileNames, TEST_IMAGES);
        String testLabels = find(fileNames, TEST_LABELS);
        if (trainImages == null || trainLabels == null) {
            throw new InvalidDataException(where + ": no MNIST-style training pair: expected " + TRAIN_IMAGES + " and "
                    + TRAIN_LABELS + " (each optionally .gz, or dotted as train-images.idx3-ubyte), found "
                    + describe(fileNames) + " — point the input at the directory holding the IDX files");
        }
        if ((testImages == null) != (testLabels == null)) {
            throw new InvalidDataException(where + ": only half of the test pair: found "
                    + (testImages != null ? testImages : testLabels) + " but no "
                    + (testImages != null ? TEST_LABELS : TEST_IMAGES)
                    + " (optionally .gz) — add the missing file or remove the other one");
        }
        return new IdxFormat.IdxFiles(trainImages, trainLabels, testImages, testLabels);
    }

    /** The listing entry whose name is {@code canonical} in any accepted spelling; raw before gzip. */
    private static String find(List<String> fileNames, String canonical) {
        String gzipped = null;
        for (String entry : fileNames) {
            String name = entry.substring(entry.lastIndexOf('/') + 1);
            boolean gz = name.endsWith(".gz");
            String stem = gz ? name.substring(0, name.length() - 3) : name;
            if (stem.equals(canonical) || stem.equals(dotted(canonical))) {
                if (!gz) {
                    return entry;
                }
                if (gzipped == null) {
                    gzipped = entry;
                }
            }
        }
        return gzipped;
    }

    /** {@code train-images-idx3-ubyte} → {@code train-images.idx3-ubyte}. */
    private static String dotted(String canonical) {
        int dash = canonical.lastIndexOf("-idx");
        return canonical.substring(0, dash) + "." + canonical.substring(dash + 1);
    }

    private static String describe(List<String> fileNames) {
        if (fileNames.isEmpty()) {
            return "no files";
        }
        List<String> shown = fileNames.subList(0, Math.min(NAMES_SHOWN, fileNames.size()));
        return shown + (fileNames.size() > NAMES_SHOWN ? " and " + (fileNames.size() - NAMES_SHOWN) + " more" : "");
    }
}
