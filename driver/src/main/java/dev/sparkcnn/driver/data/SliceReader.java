package dev.sparkcnn.driver.data;

import dev.sparkcnn.datasets.Cifar100Format;
import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.IdxFormat;
import dev.sparkcnn.datasets.ImageRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Executor side of the data plan: reads one partition's {@link Slice} straight from the file
 * system (never through the driver), validating every record.
 */
public final class SliceReader implements Serializable {
    private static final long serialVersionUID = 1L;

    private final HadoopConf hadoop;
    private final String format;
    private final Cifar100Format.LabelSet labelSet;
    private final int numClasses;

    private SliceReader(HadoopConf hadoop, String format, Cifar100Format.LabelSet labelSet, int numClasses) {
        this.hadoop = hadoop;
        this.format = format;
        this.labelSet = labelSet;
        this.numClasses = numClasses;
    }

    /** A reader of the dataset's files in its format (and CIFAR-100 label set). */
    public static SliceReader of(HadoopConf hadoop, LocatedDataset dataset) {
        return new SliceReader(hadoop, dataset.format(), dataset.labelSet() == null ? null
                : Cifar100Format.LabelSet.parse(dataset.labelSet()), dataset.spec().numClasses());
    }

    public List<ImageRecord> read(Slice slice) {
        List<ImageRecord> out = new ArrayList<>((int) slice.records());
        forEach(slice, out::add);
        return out;
    }

    /** Streams the slice's records to {@code out} in order, holding none of them. */
    public void forEach(Slice slice, Consumer<ImageRecord> out) {
        for (Slice.Segment s : slice.segments()) {
            DataFile f = s.file();
            try {
                if ("cifar10".equals(format)) {
                    try (InputStream in = hadoop.open(f.path())) {
                        CifarFormat.read(in, f.path(), s.first(), s.count(), numClasses, out);
                    }
                } else if ("cifar100".equals(format)) {
                    try (InputStream in = hadoop.open(f.path())) {
                        Cifar100Format.read(in, f.path(), s.first(), s.count(), labelSet, numClasses, out);
                    }
                } else {
                    try (InputStream images = hadoop.open(f.path()); InputStream labels = hadoop.open(f.labelsPath())) {
                        IdxFormat.read(images, f.path(), labels, f.labelsPath(), s.first(), s.count(), numClasses,
                                out);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(f.path() + ": read failed: " + e.getMessage(), e);
            }
        }
    }
}
