package dev.sparkcnn.datasets.format;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.IdxFormat;
import dev.sparkcnn.datasets.InvalidDataException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

/**
 * MNIST-style IDX files ({@code train-images-idx3-ubyte[.gz]} and its labels, optionally the
 * {@code t10k-} test pair). The class count is the largest label + 1; a location whose name
 * contains {@code fashion} with 10 classes gets Fashion-MNIST's class names. The byte-level reader
 * is {@link IdxFormat}.
 */
public final class IdxDataset implements DatasetFormat {

    @Override
    public String name() {
        return "idx";
    }

    @Override
    public String displayName() {
        return "IDX";
    }

    @Override
    public String description() {
        return "IDX files (train-images-idx3-ubyte[.gz])";
    }

    @Override
    public boolean detect(DataFileSystem fs, String dir, List<FileEntry> entries) {
        return entries.stream().filter(FileEntry::visibleFile).map(FileEntry::name)
                .anyMatch(n -> n.contains("idx3-ubyte") || n.contains("idx1-ubyte"));
    }

    @Override
    public DatasetLayout locate(DataFileSystem fs, String dir, List<FileEntry> entries, FormatOptions options,
                                String data) throws IOException {
        IdxFormat.IdxFiles found = IdxFormat.locate(
                entries.stream().filter(FileEntry::visibleFile).map(FileEntry::name).toList(), data);
        Pair train = pair(fs, dir, found.trainImages(), found.trainLabels());
        IdxFormat.IdxSummary shape = train.summary();
        int maxLabel = shape.maxLabel();
        List<DataFile> test = List.of();
        if (found.hasTest()) {
            Pair t = pair(fs, dir, found.testImages(), found.testLabels());
            if (t.summary().channels() != shape.channels() || t.summary().height() != shape.height()
                    || t.summary().width() != shape.width()) {
                throw new InvalidDataException("--data " + data + ": test images " + found.testImages() + " are "
                        + shape(t.summary()) + " but training images are " + shape(shape)
                        + "; the two sets must come from the same dataset");
            }
            maxLabel = Math.max(maxLabel, t.summary().maxLabel());
            test = List.of(t.file());
        }
        int classes = Math.max(2, maxLabel + 1);
        List<String> names = classes == 10 && data.toLowerCase(Locale.ROOT).contains("fashion")
                ? IdxFormat.FASHION_MNIST_CLASSES : DatasetSpec.numberedClasses(classes);
        DatasetSpec spec = new DatasetSpec(shape.channels(), shape.height(), shape.width(), names);
        return new DatasetLayout(spec, options, List.of(train.file()), test);
    }

    @Override
    public void read(DataFileSystem fs, DatasetSpec spec, FormatOptions options, DataFile file, long first,
                     long count, RecordSink sink) throws IOException {
        try (InputStream images = fs.open(file.path()); InputStream labels = fs.open(file.labelsPath())) {
            IdxFormat.read(new IdxFormat.Source(images, file.path(), fs.size(file.path())),
                    new IdxFormat.Source(labels, file.labelsPath(), fs.size(file.labelsPath())), first, count,
                    spec.numClasses(), sink);
        }
    }

    private record Pair(DataFile file, IdxFormat.IdxSummary summary) {
    }

    private static Pair pair(DataFileSystem fs, String dir, String images, String labels) throws IOException {
        String imagesPath = fs.child(dir, images);
        String labelsPath = fs.child(dir, labels);
        try (InputStream in = fs.open(imagesPath); InputStream lab = fs.open(labelsPath)) {
            IdxFormat.IdxSummary s = IdxFormat.validatePair(new IdxFormat.Source(in, imagesPath, fs.size(imagesPath)),
                    new IdxFormat.Source(lab, labelsPath, fs.size(labelsPath)));
            return new Pair(new DataFile(imagesPath, labelsPath, s.count()), s);
        }
    }

    private static String shape(IdxFormat.IdxSummary s) {
        return s.channels() + "x" + s.height() + "x" + s.width();
    }
}
