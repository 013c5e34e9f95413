package dev.sparkcnn.driver.data;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.format.DataFile;
import dev.sparkcnn.datasets.format.DatasetLayout;
import dev.sparkcnn.datasets.format.FormatOptions;
import java.io.Serializable;
import java.util.List;

/**
 * What the driver found at {@code --data} after preflight: the format's registry name and what the
 * format found (image shape and classes, the validated training files and the dataset's own test
 * files, possibly none, and the options its reader needs).
 *
 * @param format the registry name of the format ({@link dev.sparkcnn.datasets.format.DatasetFormats})
 */
public record LocatedDataset(String format, DatasetLayout layout) implements Serializable {

    public DatasetSpec spec() {
        return layout.spec();
    }

    public List<DataFile> trainFiles() {
        return layout.trainFiles();
    }

    public List<DataFile> testFiles() {
        return layout.testFiles();
    }

    /** The options the format's reader uses, its defaults filled in. */
    public FormatOptions options() {
        return layout.options();
    }

    /** CIFAR-100's {@code fine} or {@code coarse}; null for other formats. */
    public String labelSet() {
        return layout.options().labelSet();
    }

    /** The side image folders are resized to; null for other formats. */
    public Integer imageSize() {
        return layout.options().imageSize();
    }

    /** The same dataset without its own test files (evaluation then uses the held-out split). */
    public LocatedDataset withoutTestFiles() {
        return new LocatedDataset(format, new DatasetLayout(spec(), options(), trainFiles(), List.of()));
    }

    public long trainRecords() {
        return trainFiles().stream().mapToLong(DataFile::records).sum();
    }

    public long testRecords() {
        return testFiles().stream().mapToLong(DataFile::records).sum();
    }

    public boolean hasOfficialTest() {
        return !testFiles().isEmpty();
    }
}
