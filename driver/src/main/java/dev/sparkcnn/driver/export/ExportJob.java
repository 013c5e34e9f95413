package dev.sparkcnn.driver.export;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.SavedModel;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code sparkcnn export}: reads a model directory (any Hadoop file system), checks that the
 * format can express the whole network, and writes one local file under a temporary name in the
 * same directory, renamed into place when complete: a failure leaves no partial file.
 *
 * @param modelDir  the model directory written by train
 * @param format    the target format
 * @param out       the file to write
 * @param overwrite whether an existing {@code out} may be replaced
 */
public record ExportJob(String modelDir, ExportFormat format, Path out, boolean overwrite) {

    /** Exports and returns the model that was written. */
    public SavedModel run() {
        Path target = out.toAbsolutePath();
        if (Files.exists(target) && !overwrite) {
            throw new ConfigException("--out " + out + " exists; pass --overwrite to replace it");
        }
        if (Files.isDirectory(target)) {
            throw new ConfigException("--out " + out + " is a directory; give a file name");
        }
        if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
            throw new ConfigException("--out " + out + ": directory " + target.getParent() + " does not exist");
        }
        SavedModel model = ModelDirectory.read(new HadoopConf(new Configuration()), modelDir);
        ModelExporter exporter = format.exporter();
        exporter.check(model);
        write(model, exporter, target);
        return model;
    }

    private static void write(SavedModel model, ModelExporter exporter, Path target) {
        Path temp = null;
        try {
            temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try (OutputStream stream = Files.newOutputStream(temp)) {
                exporter.write(model, stream);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot write: " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: the temporary name starts with a dot
                }
            }
        }
    }
}
