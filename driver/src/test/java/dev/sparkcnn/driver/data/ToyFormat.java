package dev.sparkcnn.driver.data;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.datasets.format.DataFile;
import dev.sparkcnn.datasets.format.DataFileSystem;
import dev.sparkcnn.datasets.format.DatasetFormat;
import dev.sparkcnn.datasets.format.DatasetLayout;
import dev.sparkcnn.datasets.format.FileEntry;
import dev.sparkcnn.datasets.format.FormatOptions;
import dev.sparkcnn.datasets.format.RecordSink;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A toy dataset format added the way any format is: this one class plus one line in
 * {@code src/test/resources/META-INF/services/dev.sparkcnn.datasets.format.DatasetFormat}. Files
 * {@code *.toy} hold 5-byte records: a label (0 or 1) and a 1x2x2 grey image.
 */
public final class ToyFormat implements DatasetFormat {
    static final int RECORD = 5;

    @Override
    public String name() {
        return "toy";
    }

    @Override
    public String displayName() {
        return "toy";
    }

    @Override
    public String description() {
        return "toy files (*.toy)";
    }

    @Override
    public boolean detect(DataFileSystem fs, String dir, List<FileEntry> entries) {
        return entries.stream().anyMatch(e -> e.visibleFile() && e.name().endsWith(".toy"));
    }

    @Override
    public DatasetLayout locate(DataFileSystem fs, String dir, List<FileEntry> entries, FormatOptions options,
                                String data) {
        List<DataFile> files = entries.stream().filter(e -> e.visibleFile() && e.name().endsWith(".toy"))
                .map(e -> new DataFile(e.path(), null, e.length() / RECORD)).toList();
        return new DatasetLayout(new DatasetSpec(1, 2, 2, List.of("off", "on")), options, files, List.of());
    }

    @Override
    public void read(DataFileSystem fs, DatasetSpec spec, FormatOptions options, DataFile file, long first,
                     long count, RecordSink sink) throws IOException {
        try (InputStream in = fs.open(file.path())) {
            in.skipNBytes(first * RECORD);
            for (long i = 0; i < count; i++) {
                byte[] r = in.readNBytes(RECORD);
                if (r.length < RECORD || r[0] > 1) {
                    throw new InvalidDataException(file.path() + ": bad toy record " + (first + i));
                }
                sink.accept(new ImageRecord(r[0], java.util.Arrays.copyOfRange(r, 1, RECORD)));
            }
        }
    }
}
