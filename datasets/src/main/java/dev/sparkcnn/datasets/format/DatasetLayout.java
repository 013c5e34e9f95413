package dev.sparkcnn.datasets.format;

import dev.sparkcnn.datasets.DatasetSpec;
import java.io.Serializable;
import java.util.List;

/**
 * What a format found in a directory: the image shape and classes, the validated training files and
 * the dataset's own test files (possibly none), and the options with the format's defaults filled
 * in (what its reader needs).
 */
public record DatasetLayout(DatasetSpec spec, FormatOptions options, List<DataFile> trainFiles,
                            List<DataFile> testFiles) implements Serializable {
    public DatasetLayout {
        trainFiles = List.copyOf(trainFiles);
        testFiles = List.copyOf(testFiles);
    }
}
