package dev.sparkcnn.datasets.format;

import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.InvalidDataException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * CIFAR-10 binary ({@code data_batch_N.bin}, {@code test_batch.bin}, optional
 * {@code batches.meta.txt}); the byte-level reader is {@link CifarFormat}.
 */
public final class Cifar10Dataset implements DatasetFormat {

    @Override
    public String name() {
        return "cifar10";
    }

    @Override
    public String displayName() {
        return "CIFAR-10";
    }

    @Override
    public String description() {
        return "CIFAR-10 binary files (data_batch_N.bin)";
    }

    @Override
    public boolean detect(DataFileSystem fs, String dir, List<FileEntry> entries) {
        return entries.stream().anyMatch(e -> e.visibleFile() && CifarFormat.isTrainFile(e.name()));
    }

    @Override
    public List<String> archiveDirectories() {
        return List.of(CifarFormat.ARCHIVE_DIR);
    }

    @Override
    public DatasetLayout locate(DataFileSystem fs, String dir, List<FileEntry> entries, FormatOptions options,
                                String data) throws IOException {
        List<String> classes = CifarFormat.CIFAR10_CLASSES;
        String meta = fs.child(dir, CifarFormat.META_FILE);
        if (fs.exists(meta)) {
            try (InputStream in = fs.open(meta)) {
                classes = CifarFormat.readClassNames(in, meta);
            }
        }
        List<DataFile> train = new ArrayList<>();
        List<DataFile> test = new ArrayList<>();
        for (FileEntry f : entries) {
            if (f.visibleFile() && (CifarFormat.isTrainFile(f.name()) || CifarFormat.isTestFile(f.name()))) {
                DataFile df = new DataFile(f.path(), null, CifarFormat.recordCount(f.path(), f.length()));
                (CifarFormat.isTrainFile(f.name()) ? train : test).add(df);
            }
        }
        if (train.isEmpty()) {
            throw new InvalidDataException("--data " + data + ": no CIFAR-10 training files (data_batch_N.bin) in "
                    + dir + " (found " + FormatLocator.preview(entries.stream().map(FileEntry::name).toList()) + ")");
        }
        train.sort(Comparator.comparing(DataFile::path, Cifar10Dataset::naturalOrder));
        return new DatasetLayout(CifarFormat.spec(classes), options, train, test);
    }

    @Override
    public void read(DataFileSystem fs, DatasetSpec spec, FormatOptions options, DataFile file, long first,
                     long count, RecordSink sink) throws IOException {
        try (InputStream in = fs.open(file.path())) {
            CifarFormat.read(in, file.path(), first, count, spec.numClasses(), sink);
        }
    }

    /** data_batch_2 before data_batch_10. */
    private static int naturalOrder(String a, String b) {
        String da = a.replaceAll("\\D", "");
        String db = b.replaceAll("\\D", "");
        if (!da.isEmpty() && !db.isEmpty() && da.length() != db.length()) {
            return Integer.compare(da.length(), db.length());
        }
        return a.compareTo(b);
    }
}
