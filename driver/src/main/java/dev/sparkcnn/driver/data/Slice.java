package dev.sparkcnn.driver.data;

import dev.sparkcnn.datasets.format.DataFile;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The records one partition reads: a contiguous run of the dataset's global record order, as
 * segments of one or more files. Slices are computed on the driver from record counts alone, so a
 * partition's content (and order) depends only on the files and the partition count.
 */
public record Slice(int partition, List<Segment> segments) implements Serializable {

    /** Records {@code [first, first + count)} of one file. */
    public record Segment(DataFile file, long first, long count) implements Serializable {
    }

    public long records() {
        return segments.stream().mapToLong(Segment::count).sum();
    }

    /**
     * Cuts the concatenation of {@code files} into {@code n} contiguous slices whose sizes differ by
     * at most one record: partition p holds global records [floor(p*T/n), floor((p+1)*T/n)).
     */
    public static List<Slice> plan(List<DataFile> files, int n) {
        long total = files.stream().mapToLong(DataFile::records).sum();
        List<Slice> slices = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            long from = total * p / n;
            long to = total * (p + 1) / n;
            List<Segment> segments = new ArrayList<>();
            long fileStart = 0;
            for (DataFile f : files) {
                long fileEnd = fileStart + f.records();
                long a = Math.max(from, fileStart);
                long b = Math.min(to, fileEnd);
                if (a < b) {
                    segments.add(new Segment(f, a - fileStart, b - a));
                }
                fileStart = fileEnd;
            }
            slices.add(new Slice(p, List.copyOf(segments)));
        }
        return slices;
    }
}
