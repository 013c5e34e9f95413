package dev.sparkcnn.driver.store;

import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checksum of a checkpoint's {@code checkpoint.json}: its SHA-256 in
 * {@code checkpoint.json.sha256}, one {@code sha256sum} line (so {@code sha256sum -c} checks it
 * too). A checkpoint whose JSON does not match is damaged, like one whose {@code state.bin} fails its
 * CRC, and a resume falls back to the one before it. A checkpoint written before checksums existed
 * has no such file: it is loaded with a warning (its JSON is still parsed and checked strictly).
 */
final class InfoChecksum {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");
    private static final Pattern LINE = Pattern.compile("([0-9a-f]{64}) [ *]" + Pattern.quote(Checkpoints.INFO)
            + "\\s*");

    private InfoChecksum() {
    }

    /** The {@code sha256sum} line for {@code json}. */
    static String line(byte[] json) {
        return sha256(json) + "  " + Checkpoints.INFO + "\n";
    }

    /** Checks {@code text} (the content of {@code checkpoint.json} in {@code dir}) against its checksum file. */
    static void verify(HadoopConf hadoop, String dir, String text) {
        String sumPath = dir + "/" + Checkpoints.INFO_SUM;
        try {
            if (!hadoop.fileSystem(sumPath).exists(new Path(sumPath))) {
                LOG.warn("{}: no {} (a checkpoint of an older build); loading it without an integrity check", dir,
                        Checkpoints.INFO_SUM);
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(sumPath + ": cannot check: " + e.getMessage(), e);
        }
        String line = StoreFiles.text(hadoop, sumPath, "the checkpoint is incomplete");
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            throw new InvalidDataException(sumPath + ": not a SHA-256 line for " + Checkpoints.INFO
                    + "; the checkpoint is damaged");
        }
        String actual = sha256(text.getBytes(StandardCharsets.UTF_8));
        if (!actual.equals(m.group(1))) {
            throw new InvalidDataException(dir + "/" + Checkpoints.INFO + ": SHA-256 " + actual + " does not match "
                    + Checkpoints.INFO_SUM + " (" + m.group(1) + "); the file was damaged or edited");
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
