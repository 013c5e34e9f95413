package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCifarTest {
    private static final int CLASSES = 10;
    private static final int PLANE = 32 * 32;
    private static List<ImageRecord> train;
    private static List<ImageRecord> heldOut;

    @BeforeAll
    static void sample() {
        train = balanced(60, new Random(1));
        heldOut = balanced(30, new Random(2));
    }

    private static List<ImageRecord> balanced(int perClass, Random rnd) {
        List<ImageRecord> out = new ArrayList<>();
        for (int i = 0; i < perClass * CLASSES; i++) {
            out.add(SyntheticCifar.generate(i % CLASSES, rnd));
        }
        return out;
    }

    @Test
    void writesCifarFilesOfTheRightLengthsAndNothingElse(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("synthetic");
        SyntheticCifar.write(dir, 2, 30, 17, 99);

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("batches.meta.txt", "data_batch_1.bin", "data_batch_2.bin", "test_batch.bin"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(30 * 3073, Files.size(dir.resolve("data_batch_1.bin")));
        assertEquals(30 * 3073, Files.size(dir.resolve("data_batch_2.bin")));
        assertEquals(17 * 3073, Files.size(dir.resolve("test_batch.bin")));
        try (InputStream in = Files.newInputStream(dir.resolve("batches.meta.txt"))) {
            assertEquals(CifarFormat.CIFAR10_CLASSES, CifarFormat.readClassNames(in, "batches.meta.txt"));
        }
    }

    @Test
    void filesGetTheUsualPermissionsNotThoseOfATempFile(@TempDir Path dir) throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        SyntheticCifar.write(dir, 1, 1, 1, 1);
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(dir.resolve("test_batch.bin")));
    }

    @Test
    void filesAreBalancedAndShuffled(@TempDir Path dir) throws IOException {
        SyntheticCifar.write(dir, 1, 40, 10, 3);
        List<ImageRecord> records = new ArrayList<>();
        try (InputStream in = Files.newInputStream(dir.resolve("data_batch_1.bin"))) {
            CifarFormat.read(in, "data_batch_1.bin", 0, 40, CLASSES, records::add);
        }
        int[] perClass = new int[CLASSES];
        records.forEach(r -> perClass[r.label()]++);
        int[] labels = records.stream().mapToInt(ImageRecord::label).toArray();

        assertArrayEquals(new int[] {4, 4, 4, 4, 4, 4, 4, 4, 4, 4}, perClass);
        assertFalse(isSortedOrCyclic(labels), "labels should be in random order: " + Arrays.toString(labels));
    }

    private static boolean isSortedOrCyclic(int[] labels) {
        boolean cyclic = true;
        boolean sorted = true;
        for (int i = 1; i < labels.length; i++) {
            cyclic &= labels[i] == (labels[i - 1] + 1) % CLASSES;
            sorted &= labels[i] >= labels[i - 1];
        }
        return cyclic || sorted;
    }

    @Test
    void generationIsDeterministicForASeed(@TempDir Path tmp) throws IOException {
        SyntheticCifar.write(tmp.resolve("a"), 1, 12, 5, 7);
        SyntheticCifar.write(tmp.resolve("b"), 1, 12, 5, 7);
        SyntheticCifar.write(tmp.resolve("c"), 1, 12, 5, 8);
        for (String name : List.of("data_batch_1.bin", "test_batch.bin")) {
            byte[] a = Files.readAllBytes(tmp.resolve("a").resolve(name));
            assertArrayEquals(a, Files.readAllBytes(tmp.resolve("b").resolve(name)), name);
            assertFalse(Arrays.equals(a, Files.readAllBytes(tmp.resolve("c").resolve(name))), name);
        }
        assertEquals(SyntheticCifar.generate(4, new Random(5)), SyntheticCifar.generate(4, new Random(5)));
    }

    @Test
    void rewritingReplacesFilesInPlace(@TempDir Path dir) throws IOException {
        SyntheticCifar.write(dir, 1, 12, 5, 7);
        SyntheticCifar.write(dir, 1, 3, 2, 7);
        assertEquals(3 * 3073, Files.size(dir.resolve("data_batch_1.bin")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temporary files are left behind");
        }
    }

    /**
     * The classes are learnable: a nearest-class-mean classifier on 8x8 downsampled images, each
     * centred on its per-channel median (i.e. background removed), is far above the 10% of chance.
     */
    @Test
    void nearestClassMeanSeparatesHeldOutImages() {
        double[][] means = new double[CLASSES][];
        for (ImageRecord r : train) {
            double[] f = features(r);
            if (means[r.label()] == null) {
                means[r.label()] = new double[f.length];
            }
            for (int j = 0; j < f.length; j++) {
                means[r.label()][j] += f[j] / (train.size() / CLASSES);
            }
        }
        int correct = 0;
        for (ImageRecord r : heldOut) {
            correct += nearest(means, features(r)) == r.label() ? 1 : 0;
        }
        double accuracy = correct / (double) heldOut.size();
        assertTrue(accuracy >= 0.6, "nearest-class-mean accuracy " + accuracy);
    }

    /** No class can be told apart from all others by thresholding any one channel of one fixed pixel. */
    @Test
    void noSinglePixelSeparatesAClass() {
        List<ImageRecord> sample = new ArrayList<>(train);
        sample.addAll(heldOut);
        int[][] min = new int[CLASSES][3 * PLANE];
        int[][] max = new int[CLASSES][3 * PLANE];
        for (int[] m : min) {
            Arrays.fill(m, 255);
        }
        for (ImageRecord r : sample) {
            byte[] p = r.pixels();
            for (int i = 0; i < p.length; i++) {
                int v = p[i] & 0xFF;
                min[r.label()][i] = Math.min(min[r.label()][i], v);
                max[r.label()][i] = Math.max(max[r.label()][i], v);
            }
        }
        for (int c = 0; c < CLASSES; c++) {
            for (int i = 0; i < 3 * PLANE; i++) {
                int othersMin = 255;
                int othersMax = 0;
                for (int o = 0; o < CLASSES; o++) {
                    if (o != c) {
                        othersMin = Math.min(othersMin, min[o][i]);
                        othersMax = Math.max(othersMax, max[o][i]);
                    }
                }
                boolean separable = max[c][i] < othersMin || min[c][i] > othersMax;
                assertFalse(separable, "class " + c + " is separable at channel " + i / PLANE + ", pixel " + i % PLANE);
            }
        }
    }

    /** The best single pixel (all three channels) classifies far worse than the whole image does. */
    @Test
    void theBestSinglePixelIsAWeakClassifier() {
        double best = 0;
        for (int pixel = 0; pixel < PLANE; pixel++) {
            double[][] means = new double[CLASSES][3];
            for (ImageRecord r : train) {
                for (int c = 0; c < 3; c++) {
                    means[r.label()][c] += (r.pixels()[c * PLANE + pixel] & 0xFF) / (train.size() / (double) CLASSES);
                }
            }
            int correct = 0;
            for (ImageRecord r : heldOut) {
                double[] v = new double[3];
                for (int c = 0; c < 3; c++) {
                    v[c] = r.pixels()[c * PLANE + pixel] & 0xFF;
                }
                correct += nearest(means, v) == r.label() ? 1 : 0;
            }
            best = Math.max(best, correct / (double) heldOut.size());
        }
        assertTrue(best < 0.75, "one pixel classifies " + best + " of held-out images correctly");
    }

    @Test
    void rejectsLabelsOutsideTheTenClasses() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticCifar.generate(10, new Random(1)));
        assertThrows(IllegalArgumentException.class, () -> SyntheticCifar.generate(-1, new Random(1)));
    }

    @Test
    void rejectsEmptyFiles(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> SyntheticCifar.write(dir, 1, 0, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> SyntheticCifar.write(dir, 0, 5, 5, 1));
    }

    /** 8x8 block means per channel of the image minus its per-channel median. */
    private static double[] features(ImageRecord r) {
        byte[] p = r.pixels();
        double[] f = new double[3 * 64];
        for (int c = 0; c < 3; c++) {
            int[] histogram = new int[256];
            for (int i = 0; i < PLANE; i++) {
                histogram[p[c * PLANE + i] & 0xFF]++;
            }
            int median = 0;
            for (int seen = histogram[0]; seen < PLANE / 2; seen += histogram[++median]) {
                // walk up to the median
            }
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    f[c * 64 + (y / 4) * 8 + x / 4] += ((p[c * PLANE + y * 32 + x] & 0xFF) - median) / 16.0;
                }
            }
        }
        return f;
    }

    private static int nearest(double[][] means, double[] v) {
        int best = -1;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < means.length; c++) {
            double d = 0;
            for (int j = 0; j < v.length; j++) {
                double t = v[j] - means[c][j];
                d += t * t;
            }
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }
}
