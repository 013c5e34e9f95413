package dev.sparkcnn.datasets.format;

import dev.sparkcnn.datasets.Cifar100Format;
import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.InvalidDataException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * CIFAR-100 binary ({@code train.bin}, {@code test.bin}, the label-name files), read with the
 * fine or coarse labels ({@code --label-set}, fine by default); the byte-level reader is
 * {@link Cifar100Format}.
 */
public final class Cifar100Dataset implements DatasetFormat {

    @Override
    public String name() {
        return "cifar100";
    }

    @Override
    public String displayName() {
        return "CIFAR-100";
    }

    @Override
    public String description() {
        return "CIFAR-100 binary files (train.bin)";
    }

    @Override
    public boolean detect(DataFileSystem fs, String dir, List<FileEntry> entries) {
        return entries.stream().anyMatch(e -> e.visibleFile() && Cifar100Format.isTrainFile(e.name()));
    }

    @Override
    public List<String> archiveDirectories() {
        return List.of(Cifar100Format.ARCHIVE_DIR);
    }

    @Override
    public Set<FormatOption> accepts() {
        return Set.of(FormatOption.LABEL_SET);
    }

    @Override
    public DatasetLayout locate(DataFileSystem fs, String dir, List<FileEntry> entries, FormatOptions options,
                                String data) throws IOException {
        Cifar100Format.LabelSet set = labelSet(options);
        List<String> classes = DatasetSpec.numberedClasses(set.classes());
        String meta = fs.child(dir, set.metaFile());
        if (fs.exists(meta)) {
            try (InputStream in = fs.open(meta)) {
                classes = Cifar100Format.readClassNames(in, meta);
            }
        }
        DataFile train = null;
        List<DataFile> test = new ArrayList<>();
        for (FileEntry f : entries) {
            if (f.visibleFile() && (Cifar100Format.isTrainFile(f.name()) || Cifar100Format.isTestFile(f.name()))) {
                DataFile df = new DataFile(f.path(), null, Cifar100Format.recordCount(f.path(), f.length()));
                if (Cifar100Format.isTrainFile(f.name())) {
                    train = df;
                } else {
                    test.add(df);
                }
            }
        }
        if (train == null) {
            throw new InvalidDataException("--data " + data + ": no CIFAR-100 training file (train.bin) in " + dir
                    + " (found " + FormatLocator.preview(entries.stream().map(FileEntry::name).toList()) + ")");
        }
        return new DatasetLayout(Cifar100Format.spec(classes), options.withLabelSet(set.cliName()), List.of(train),
                test);
    }

    @Override
    public void read(DataFileSystem fs, DatasetSpec spec, FormatOptions options, DataFile file, long first,
                     long count, RecordSink sink) throws IOException {
        try (InputStream in = fs.open(file.path())) {
            Cifar100Format.read(in, file.path(), first, count, labelSet(options), spec.numClasses(), sink);
        }
    }

    private static Cifar100Format.LabelSet labelSet(FormatOptions options) {
        try {
            return Cifar100Format.LabelSet.parse(options.labelSet() == null ? "fine" : options.labelSet());
        } catch (IllegalArgumentException e) {
            throw new FormatOptionException("--label-set '" + options.labelSet()
                    + "' is not a CIFAR-100 label set; use fine or coarse");
        }
    }
}
