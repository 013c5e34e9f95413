package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.format.DataFile;
import dev.sparkcnn.datasets.format.DatasetLayout;
import dev.sparkcnn.datasets.format.FormatLocator;
import dev.sparkcnn.datasets.format.FormatOptions;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutated CIFAR-10, CIFAR-100 and IDX (raw and gzip) datasets, each located and read in full
 * through the format registry as training does: every input loads with valid records or fails with
 * an {@link InvalidDataException} naming the file. Run with a 256 MB heap (the {@code fuzz}
 * surefire execution), so a size taken from a file and allocated unchecked fails as
 * OutOfMemoryError.
 */
@Tag("fuzz")
@Timeout(600)
class DatasetFileFuzzTest {
    private static final String DIR = "/data";
    /** The size fields of an IDX header (harmless bytes in the other formats' files). */
    private static final Fuzzing.Field[] IDX_DIMS = {new Fuzzing.Field(4, 4), new Fuzzing.Field(8, 4),
            new Fuzzing.Field(12, 4)};

    @Test
    void cifar10() {
        Map<String, byte[]> files = new TreeMap<>();
        files.put("data_batch_1.bin", CorruptFixtures.cifar(new int[] {0, 3, 9, 1, 7}, 1));
        files.put("data_batch_2.bin", CorruptFixtures.cifar(new int[] {2, 2}, 2));
        files.put("test_batch.bin", CorruptFixtures.cifar(new int[] {5, 4}, 3));
        files.put("batches.meta.txt", String.join("\n", CifarFormat.CIFAR10_CLASSES).getBytes());
        fuzz("cifar10", 10, Fuzzing.INPUTS, files, Map.of("batches.meta.txt", 64));
    }

    @Test
    void cifar100() {
        Map<String, byte[]> files = new TreeMap<>();
        files.put("train.bin", CorruptFixtures.cifar100(new int[][] {{0, 0}, {19, 99}, {7, 42}}, 4));
        files.put("test.bin", CorruptFixtures.cifar100(new int[][] {{3, 30}}, 5));
        files.put("fine_label_names.txt", names("fine", 100));
        files.put("coarse_label_names.txt", names("coarse", 20));
        fuzz("cifar100", 11, Fuzzing.INPUTS, files, Map.of());
    }

    @Test
    void idxRaw() {
        fuzz("idx", 12, Fuzzing.INPUTS, mnist(), Map.of());
    }

    /** Half the 1,000 inputs damage the compressed bytes, half the IDX bytes inside valid gzip. */
    @Test
    void idxGzip() {
        Map<String, byte[]> gz = new TreeMap<>();
        mnist().forEach((name, bytes) -> gz.put(name + ".gz", CorruptFixtures.gzip(bytes)));
        fuzz("idx-gzip", 13, Fuzzing.INPUTS / 2, gz, Map.of());
        Map<String, byte[]> raw = mnist();
        FormatLocator.Located listedGz = listed(raw, ".gz");
        Fuzzing.run("idx-gzip-inner", 14, Fuzzing.INPUTS / 2, List.copyOf(gzNames(raw)), rnd -> {
            String victim = pick(raw, rnd);
            MemoryFileSystem fs = new MemoryFileSystem();
            raw.forEach((name, bytes) -> fs.put(DIR + "/" + name + ".gz", CorruptFixtures.gzip(name.equals(victim)
                    ? Fuzzing.mutate(bytes, rnd, 16, IDX_DIMS) : bytes)));
            loadAll(fs, listedGz);
        });
    }

    private static List<String> gzNames(Map<String, byte[]> raw) {
        return raw.keySet().stream().map(n -> n + ".gz").toList();
    }

    private static Map<String, byte[]> mnist() {
        Map<String, byte[]> files = new TreeMap<>();
        files.put("train-images-idx3-ubyte", CorruptFixtures.idx(0x08, new int[] {4, 5, 6}, CorruptFixtures.seq(120)));
        files.put("train-labels-idx1-ubyte", CorruptFixtures.idx(0x08, new int[] {4}, new byte[] {0, 1, 2, 9}));
        files.put("t10k-images-idx3-ubyte", CorruptFixtures.idx(0x08, new int[] {2, 5, 6}, CorruptFixtures.seq(60)));
        files.put("t10k-labels-idx1-ubyte", CorruptFixtures.idx(0x08, new int[] {2}, new byte[] {3, 4}));
        return files;
    }

    /**
     * {@code inputs} datasets in which one file, chosen at random, is mutated (edits biased to its
     * first {@code hot} bytes, 16 unless given).
     */
    private static void fuzz(String name, long seed, int inputs, Map<String, byte[]> files, Map<String, Integer> hot) {
        FormatLocator.Located listed = listed(files, "");
        Fuzzing.run(name, seed, inputs, List.copyOf(files.keySet()), rnd -> {
            String victim = pick(files, rnd);
            MemoryFileSystem fs = new MemoryFileSystem();
            files.forEach((n, bytes) -> fs.put(DIR + "/" + n, n.equals(victim)
                    ? Fuzzing.mutate(bytes, rnd, hot.getOrDefault(n, 16), IDX_DIMS) : bytes));
            loadAll(fs, listed);
        });
    }

    private static String pick(Map<String, byte[]> files, Random rnd) {
        List<String> names = List.copyOf(files.keySet());
        return names.get(rnd.nextInt(names.size()));
    }

    /** The layout of the unmutated files, as the driver listed them before an executor reads. */
    private static FormatLocator.Located listed(Map<String, byte[]> files, String suffix) {
        MemoryFileSystem fs = new MemoryFileSystem();
        files.forEach((n, bytes) -> fs.put(DIR + "/" + n + suffix, suffix.isEmpty() ? bytes
                : CorruptFixtures.gzip(bytes)));
        try {
            return FormatLocator.locate(fs, DIR, null, FormatOptions.defaults());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Reads the mutated files twice: located and read in full, as a run does; and read as an executor
     * does when a file changed after the driver listed it ({@code listed}: the unmutated layout).
     */
    private static void loadAll(MemoryFileSystem fs, FormatLocator.Located listed) throws IOException {
        InvalidDataException first = null;
        try {
            readAll(fs, FormatLocator.locate(fs, DIR, null, FormatOptions.defaults()));
        } catch (InvalidDataException e) {
            first = e;
        }
        try {
            readAll(fs, listed);
        } catch (InvalidDataException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw first;
        }
    }
    /** Reads every record of every file, checking each record's shape and label and the count. */
    private static void readAll(MemoryFileSystem fs, FormatLocator.Located found) throws IOException {
        DatasetLayout layout = found.layout();
        for (DataFile f : concat(layout.trainFiles(), layout.testFiles())) {
            long[] n = {0};
            found.format().read(fs, layout.spec(), layout.options(), f, 0, f.records(), r -> {
                assertEquals(layout.spec().imageBytes(), r.pixels().length, "pixels of a record of " + f.path());
                assertTrue(r.label() >= 0 && r.label() < layout.spec().numClasses(), "label " + r.label());
                n[0]++;
            });
            assertEquals(f.records(), n[0], "records read from " + f.path());
        }
    }

    private static List<DataFile> concat(List<DataFile> a, List<DataFile> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static byte[] names(String prefix, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(prefix).append('_').append(i).append('\n');
        }
        return b.toString().getBytes();
    }
}
