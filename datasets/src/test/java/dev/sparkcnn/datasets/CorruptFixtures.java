package dev.sparkcnn.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Makes the tiny corrupt (and a few valid) CIFAR and IDX files under
 * {@code src/test/resources/fixtures/}, byte by byte and independently of the readers they test.
 * Tests read the checked-in files, so changing a fixture is a deliberate act: edit this class,
 * regenerate, and commit both. {@code FixturesTest} fails if the two disagree.
 *
 * <p>Regenerate from the repository root with plain Java (this class uses only the JDK):
 * <pre>java datasets/src/test/java/dev/sparkcnn/datasets/CorruptFixtures.java</pre>
 */
public final class CorruptFixtures {
    static final int CIFAR_RECORD = 3073;

    private CorruptFixtures() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "datasets/src/test/resources/fixtures");
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> fixture : all().entrySet()) {
            Files.write(dir.resolve(fixture.getKey()), fixture.getValue());
            System.out.println("wrote " + dir.resolve(fixture.getKey()) + " (" + fixture.getValue().length + " bytes)");
        }
    }

    /** Every fixture by file name, in a fixed order. */
    static Map<String, byte[]> all() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        // CIFAR-10 binary
        files.put("cifar-empty.bin", new byte[0]);
        files.put("cifar-truncated.bin", concat(cifar(new int[] {1, 2}, 11), new byte[] {7, 7, 7, 7, 7}));
        files.put("cifar-bad-label.bin", cifar(new int[] {3, 9, 10}, 12));
        files.put("cifar-meta.txt", utf8("  airplane \r\n\nautomobile\n\tbird\n\n\n"));
        files.put("cifar-meta-one-class.txt", utf8("airplane\n\n  \n"));
        // CIFAR-100 binary: (coarse, fine) label pairs; fine 100 and coarse 20 are one past the last class
        files.put("cifar100-bad-fine-label.bin", cifar100(new int[][] {{1, 5}, {19, 99}, {3, 100}}, 21));
        files.put("cifar100-bad-coarse-label.bin", cifar100(new int[][] {{0, 0}, {20, 7}}, 22));
        files.put("cifar100-truncated.bin", concat(cifar100(new int[][] {{4, 40}, {5, 50}}, 23), new byte[9]));
        // IDX: a valid 3-image pair, and one defect per file
        files.put("valid-images-idx3-ubyte", idx(0x08, new int[] {3, 2, 2}, seq(12)));
        files.put("valid-labels-idx1-ubyte", idx(0x08, new int[] {3}, new byte[] {0, 4, 9}));
        files.put("bad-magic-idx3-ubyte", concat(new byte[] {0x50, 0x4B, 0x03, 0x04}, ints(3, 2, 2), seq(12)));
        files.put("float-type-idx3-ubyte", idx(0x0D, new int[] {3, 2, 2}, seq(48)));
        files.put("truncated-header-idx3-ubyte", concat(new byte[] {0, 0, 0x08, 3}, ints(3), new byte[] {0, 0}));
        files.put("zero-dim-idx3-ubyte", idx(0x08, new int[] {3, 0, 2}, new byte[0]));
        files.put("rank2-labels-idx1-ubyte", idx(0x08, new int[] {3, 1}, new byte[] {0, 1, 2}));
        files.put("four-labels-idx1-ubyte", idx(0x08, new int[] {4}, new byte[] {0, 1, 2, 3}));
        files.put("short-images-idx3-ubyte", idx(0x08, new int[] {3, 2, 2}, seq(10)));
        files.put("trailing-images-idx3-ubyte", idx(0x08, new int[] {3, 2, 2}, seq(14)));
        files.put("short-images-idx3-ubyte.gz", gzip(idx(0x08, new int[] {3, 2, 2}, seq(10))));
        return files;
    }

    /** CIFAR-10 binary records with the given label bytes and pseudo-random pixels from {@code seed}. */
    static byte[] cifar(int[] labels, long seed) {
        Random rnd = new Random(seed);
        byte[] out = new byte[labels.length * CIFAR_RECORD];
        for (int r = 0; r < labels.length; r++) {
            byte[] pixels = new byte[CIFAR_RECORD - 1];
            rnd.nextBytes(pixels);
            out[r * CIFAR_RECORD] = (byte) labels[r];
            System.arraycopy(pixels, 0, out, r * CIFAR_RECORD + 1, pixels.length);
        }
        return out;
    }

    /** CIFAR-100 binary records: a (coarse, fine) label pair each, then pseudo-random pixels from {@code seed}. */
    static byte[] cifar100(int[][] labels, long seed) {
        Random rnd = new Random(seed);
        int record = CIFAR_RECORD + 1;
        byte[] out = new byte[labels.length * record];
        for (int r = 0; r < labels.length; r++) {
            byte[] pixels = new byte[record - 2];
            rnd.nextBytes(pixels);
            out[r * record] = (byte) labels[r][0];
            out[r * record + 1] = (byte) labels[r][1];
            System.arraycopy(pixels, 0, out, r * record + 2, pixels.length);
        }
        return out;
    }

    /** An IDX file: magic {@code 0 0 type rank}, big-endian dims, then {@code data} as given. */
    static byte[] idx(int type, int[] dims, byte[] data) {
        return concat(new byte[] {0, 0, (byte) type, (byte) dims.length}, ints(dims), data);
    }

    static byte[] ints(int... values) {
        byte[] out = new byte[4 * values.length];
        for (int i = 0; i < values.length; i++) {
            out[4 * i] = (byte) (values[i] >>> 24);
            out[4 * i + 1] = (byte) (values[i] >>> 16);
            out[4 * i + 2] = (byte) (values[i] >>> 8);
            out[4 * i + 3] = (byte) values[i];
        }
        return out;
    }

    /** Bytes 0, 1, 2, ... (mod 256). */
    static byte[] seq(int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) i;
        }
        return out;
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] out = bytes.toByteArray();
        out[4] = out[5] = out[6] = out[7] = 0; // no timestamp: identical bytes on every run
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
