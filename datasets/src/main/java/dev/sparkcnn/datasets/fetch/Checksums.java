package dev.sparkcnn.datasets.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** MD5 of a file, streamed: the datasets' publishers list MD5s, so that is what we compare. */
public final class Checksums {
    private Checksums() {
    }

    /** The lower-case hex MD5 of the file's bytes. */
    public static String md5(Path file) throws IOException {
        MessageDigest md5 = newMd5();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md5)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    /** The lower-case hex MD5 of {@code bytes} (fixtures, tests). */
    public static String md5(byte[] bytes) {
        return HexFormat.of().formatHex(newMd5().digest(bytes));
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5 (every Java SE platform must)", e);
        }
    }
}
