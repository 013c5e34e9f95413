package dev.sparkcnn.driver.data;

import dev.sparkcnn.datasets.DatasetSpec;
import java.io.Serializable;
import java.util.List;

/**
 * What the driver found at {@code --data} after preflight: the format, the image shape and
 * classes, the training files and the dataset's own test files (possibly none), each validated.
 *
 * @param labelSet CIFAR-100's {@code fine} or {@code coarse}; null for other formats
 */
public record LocatedDataset(String format, String labelSet, DatasetSpec spec, List<DataFile> trainFiles, List<DataFile> testFiles)
        implements Serializable {

    public long trainRecords() {
        return trainFiles.stream().mapToLong(DataFile::records).sum();
    }

    public long testRecords() {
        return testFiles.stream().mapToLong(DataFile::records).sum();
    }

    public boolean hasOfficialTest() {
        return !testFiles.isEmpty();
    }
}
