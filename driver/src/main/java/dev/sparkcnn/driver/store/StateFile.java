package dev.sparkcnn.driver.store;

import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.kernels.ModelState;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;

/**
 * The binary form of a {@link ModelState} ({@code state.bin}), independent of the engine that
 * trained it: magic {@code SPARKCNN}, format version, parameter count, updater-state count,
 * iteration, the float32 values (big-endian), then a CRC-32 of everything before it.
 */
public final class StateFile {
    private static final byte[] MAGIC = "SPARKCNN".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    /** Magic, version, two counts and the iteration. */
    private static final int HEADER = 8 + 4 + 4 + 4 + 8;
    /** The most values (params + updater state) a state file may hold: 1 GiB of floats. */
    public static final long MAX_VALUES = 1L << 28;

    private StateFile() {
    }

    public static byte[] encode(ModelState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(
                32 + 4 * (state.params().length + state.updaterState().length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(state.params().length);
            out.writeInt(state.updaterState().length);
            out.writeLong(state.iteration());
            for (float v : state.params()) {
                out.writeFloat(v);
            }
            for (float v : state.updaterState()) {
                out.writeFloat(v);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes a whole {@code state.bin} held in memory. */
    public static ModelState decode(byte[] data, String source) {
        try {
            return read(new ByteArrayInputStream(data), data.length, source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a {@code state.bin} of {@code length} bytes from {@code stream}. The header is checked
     * against the length and the limits before any array is allocated; the values are then read
     * straight into their arrays (the file is never held whole).
     *
     * @throws InvalidDataException naming {@code source} and the field when the file is damaged, is
     *                              not a state file, or is larger than {@link #MAX_VALUES} values or
     *                              half this JVM's heap
     * @throws IOException          when reading fails
     */
    public static ModelState read(InputStream stream, long length, String source) throws IOException {
        if (length < HEADER + 8) {
            throw new InvalidDataException(source + ": too short (" + length + " bytes) to be a sparkcnn state "
                    + "file; the model directory is damaged");
        }
        CRC32 crc = new CRC32();
        DataInputStream in = new DataInputStream(new CheckedInputStream(new BufferedInputStream(stream, 1 << 16), crc));
        try {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new InvalidDataException(source + ": not a sparkcnn state file (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new InvalidDataException(source + ": state format version " + version
                        + " is not supported by this build (supports " + VERSION + ")");
            }
            int np = in.readInt();
            int nu = in.readInt();
            long iteration = in.readLong();
            checkHeader(source, length, np, nu, iteration);
            float[] params = floats(in, np);
            float[] updater = floats(in, nu);
            long computed = crc.getValue();
            if (in.readLong() != computed) {
                throw new InvalidDataException(source + ": checksum mismatch; the file is damaged");
            }
            return new ModelState(params, updater, iteration);
        } catch (EOFException e) {
            throw new InvalidDataException(source + ": ends before its header says (truncated while read)", e);
        }
    }

    private static void checkHeader(String source, long length, int np, int nu, long iteration) {
        if (np < 0 || nu < 0) {
            throw new InvalidDataException(source + ": negative count in the header (" + np + " params, " + nu
                    + " updater values); the file is damaged");
        }
        long values = (long) np + nu;
        if (length != HEADER + 4 * values + 8) {
            throw new InvalidDataException(source + ": length " + length + " does not match its header ("
                    + np + " params, " + nu + " updater values); the file is truncated or damaged");
        }
        if (values > MAX_VALUES) {
            throw new InvalidDataException(source + ": " + values + " values (params + updater state) exceed the "
                    + "limit of " + MAX_VALUES + "; the file is damaged or not from this project");
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (4 * values > heap / 2) {
            throw new InvalidDataException(source + ": " + (4 * values >> 20) + " MB of values do not fit in half "
                    + "of this JVM's heap (" + (heap >> 20) + " MB); give the driver more memory "
                    + "(--driver-memory / spark.driver.memory)");
        }
        if (iteration < 0) {
            throw new InvalidDataException(source + ": negative iteration " + iteration + "; the file is damaged");
        }
    }

    private static float[] floats(DataInputStream in, int n) throws IOException {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = in.readFloat();
        }
        return out;
    }
}
