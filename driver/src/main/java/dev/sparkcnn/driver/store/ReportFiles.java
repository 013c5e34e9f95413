package dev.sparkcnn.driver.store;

import dev.sparkcnn.driver.fs.HadoopConf;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Puts a report into an existing model directory: the pictures as the {@code report/}
 * subdirectory (replaced atomically by {@link AtomicDirectory}), then {@code report.html} written
 * to a temporary name and renamed, so a reader never sees half a page or a page whose pictures
 * are missing. A previous report is replaced.
 */
public final class ReportFiles {
    public static final String HTML = "report.html";
    public static final String DIR = "report";

    private ReportFiles() {
    }

    /** Writes {@code pictures} (file name to bytes) under {@code modelDir/report/} and the page. */
    public static void write(HadoopConf hadoop, String modelDir, Map<String, byte[]> pictures, String html) {
        AtomicDirectory.write(hadoop, modelDir + "/" + DIR, true, pictures, "report");
        Path dir = new Path(modelDir);
        String id = UUID.randomUUID().toString().substring(0, 8);
        Path page = new Path(dir, HTML);
        Path tmp = new Path(dir, "." + HTML + ".tmp-" + id);
        Path old = new Path(dir, "." + HTML + ".old-" + id);
        try {
            FileSystem fs = hadoop.fileSystem(modelDir);
            fs.setWriteChecksum(false);
            try {
                try (OutputStream out = fs.create(tmp, false)) {
                    out.write(html.getBytes(StandardCharsets.UTF_8));
                }
                boolean replaced = fs.exists(page) && fs.rename(page, old);
                if (!fs.rename(tmp, page)) {
                    throw new IOException("rename " + tmp + " -> " + page + " failed");
                }
                if (replaced) {
                    fs.delete(old, false);
                }
            } finally {
                if (fs.exists(tmp)) {
                    fs.delete(tmp, false);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(page + ": could not write: " + e.getMessage(), e);
        }
    }
}
