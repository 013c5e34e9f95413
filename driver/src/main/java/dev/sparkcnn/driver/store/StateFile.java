package dev.sparkcnn.driver.store;

import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.kernels.ModelState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The binary form of a {@link ModelState} ({@code state.bin}), independent of the engine that
 * trained it: magic {@code SPARKCNN}, format version, parameter count, updater-state count,
 * iteration, the float32 values (big-endian), then a CRC-32 of everything before it.
 */
public final class StateFile {
    private static final byte[] MAGIC = "SPARKCNN".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

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

    public static ModelState decode(byte[] data, String source) {
        if (data.length < MAGIC.length + 28) {
            throw new InvalidDataException(source + ": too short (" + data.length + " bytes) to be a sparkcnn state "
                    + "file; the model directory is damaged");
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 8);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
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
            if (np < 0 || nu < 0 || data.length != MAGIC.length + 20 + 4L * (np + nu) + 8) {
                throw new InvalidDataException(source + ": length " + data.length + " does not match its header ("
                        + np + " params, " + nu + " updater values); the file is truncated or damaged");
            }
            float[] params = new float[np];
            float[] updater = new float[nu];
            for (int i = 0; i < np; i++) {
                params[i] = in.readFloat();
            }
            for (int i = 0; i < nu; i++) {
                updater[i] = in.readFloat();
            }
            if (in.readLong() != crc.getValue()) {
                throw new InvalidDataException(source + ": checksum mismatch; the file is damaged");
            }
            return new ModelState(params, updater, iteration);
        } catch (IOException e) {
            throw new InvalidDataException(source + ": unreadable: " + e.getMessage(), e);
        }
    }
}
