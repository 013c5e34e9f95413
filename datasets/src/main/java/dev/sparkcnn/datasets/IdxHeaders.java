package dev.sparkcnn.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reading and bounding IDX headers: the header half of {@link IdxFormat}. */
final class IdxHeaders {
    /** Deflate expands at most ~1032:1, so a gzip file of n bytes cannot hold more than this many times n. */
    private static final long MAX_GZIP_RATIO = 1100;

    private IdxHeaders() {
    }

    static IdxFormat.IdxHeader read(InputStream in, String fileName) {
        byte[] magic = readHeaderBytes(in, fileName, 4, 0, "magic number");
        if (magic[0] != 0 || magic[1] != 0) {
            throw new InvalidDataException(fileName + ": bad magic number " + hex(magic)
                    + " at byte offset 0, expected 0x00 0x00 <type> <rank>; this is not an IDX file (MNIST /"
                    + " Fashion-MNIST format) — check the file or re-download it");
        }
        int type = magic[2] & 0xFF;
        int rank = magic[3] & 0xFF;
        if (type != IdxFormat.TYPE_UNSIGNED_BYTE) {
            throw new InvalidDataException(fileName + ": unsupported IDX element type " + String.format("0x%02X", type)
                    + " (" + typeName(type) + ") at byte offset 2; only 0x08 (unsigned byte) is supported"
                    + " — convert the data to 8-bit images and labels");
        }
        if (rank < 1 || rank > 4) {
            throw new InvalidDataException(fileName + ": IDX rank " + rank + " at byte offset 3 is not in 1..4;"
                    + " the header is corrupt or this is not an image or label file — re-download it");
        }
        byte[] dimBytes = readHeaderBytes(in, fileName, 4 * rank, 4, "rank-" + rank + " dimensions");
        int[] dims = new int[rank];
        long itemBytes = 1;
        for (int i = 0; i < rank; i++) {
            int p = 4 * i;
            dims[i] = (dimBytes[p] & 0xFF) << 24 | (dimBytes[p + 1] & 0xFF) << 16
                    | (dimBytes[p + 2] & 0xFF) << 8 | (dimBytes[p + 3] & 0xFF);
            if (dims[i] <= 0) {
                throw new InvalidDataException(fileName + ": dimension " + i + " (byte offset " + (4 + p) + ") is "
                        + dims[i] + ", must be > 0; the header is corrupt — re-download the file");
            }
            if (i > 0) {
                itemBytes = Math.min(itemBytes * dims[i], Integer.MAX_VALUE + 1L); // saturates: never overflows
            }
        }
        if (itemBytes > Integer.MAX_VALUE) {
            throw new InvalidDataException(fileName + ": one item of dims " + Arrays.toString(dims) + " would be more "
                    + "than " + Integer.MAX_VALUE + " bytes, more than an image can hold; the header is corrupt — re-download the file");
        }
        return new IdxFormat.IdxHeader(rank, dims, 4 + 4 * rank);
    }

    /** Refuses a header declaring more data than a file of the source's length can hold. */
    static void checkDeclaredSize(IdxFormat.IdxHeader header, IdxFormat.Source source, boolean gzip) {
        if (source.length() < 0) {
            return;
        }
        long declared = header.count() * header.itemBytes(); // < 2^31 * 2^31: no overflow
        long available = gzip ? source.length() * MAX_GZIP_RATIO : source.length() - header.headerBytes();
        if (declared > available) {
            throw new InvalidDataException(source.name() + ": the header's dimensions " + Arrays.toString(header.dims())
                    + " declare " + declared + " data bytes, but the " + (gzip ? "compressed " : "") + "file is "
                    + source.length() + " bytes long" + (gzip ? " and cannot expand to that" : "")
                    + "; the header is corrupt or the file truncated — re-download it");
        }
    }

    private static byte[] readHeaderBytes(InputStream in, String fileName, int length, int offset, String what) {
        try {
            byte[] bytes = in.readNBytes(length);
            if (bytes.length < length) {
                throw new InvalidDataException(fileName + ": truncated IDX header: file ends at byte offset "
                        + (offset + bytes.length) + " inside the " + what + " (" + length + " bytes expected)"
                        + " — the file is empty or cut off; re-download it");
            }
            return bytes;
        } catch (IOException e) {
            throw IdxFormat.failure(e, fileName);
        }
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "unknown type";
        };
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(s.length() == 0 ? "" : " ").append(String.format("0x%02X", b & 0xFF));
        }
        return s.toString();
    }
}
