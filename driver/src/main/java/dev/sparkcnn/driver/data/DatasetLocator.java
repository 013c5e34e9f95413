package dev.sparkcnn.driver.data;

import dev.sparkcnn.datasets.format.DatasetFormat;
import dev.sparkcnn.datasets.format.DatasetFormats;
import dev.sparkcnn.datasets.format.FormatLocator;
import dev.sparkcnn.datasets.format.FormatOptionException;
import dev.sparkcnn.datasets.format.FormatOptions;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Finds and validates a dataset through Hadoop's FileSystem API on the driver, before any Spark job:
 * the registered format that recognises the directory (or the one given) lists and checks its files
 * (CIFAR record length, IDX headers and exact lengths, image folders) and reads the class names.
 * Record contents (labels) are checked again when executors read them.
 */
public final class DatasetLocator {
    private final HadoopConf hadoop;

    public DatasetLocator(HadoopConf hadoop) {
        this.hadoop = hadoop;
    }

    /** Locates the dataset at {@code data}; {@code format} null means detect. */
    public LocatedDataset locate(String data, String format) {
        return locate(data, format, FormatOptions.defaults());
    }

    /**
     * Locates the dataset at {@code data}; {@code format} null means detect; {@code labelSet}
     * ({@code fine}/{@code coarse}, null = fine) applies to CIFAR-100 only.
     */
    public LocatedDataset locate(String data, String format, String labelSet) {
        return locate(data, format, FormatOptions.defaults().withLabelSet(labelSet));
    }

    /**
     * As {@link #locate(String, String, String)}, with {@code imageSize} (image folders only: the side
     * images are resized to; null = 32).
     */
    public LocatedDataset locate(String data, String format, String labelSet, Integer imageSize) {
        return locate(data, format, FormatOptions.defaults().withLabelSet(labelSet).withImageSize(imageSize));
    }

    /**
     * Locates the dataset at {@code data} as {@code format} (a registry name; null = detect).
     *
     * @throws ConfigException if the format is unknown or an option does not apply to it
     */
    public LocatedDataset locate(String data, String format, FormatOptions options) {
        try {
            DatasetFormat given = format == null ? null : DatasetFormats.get(format);
            FormatLocator.Located found = FormatLocator.locate(new HadoopDataFileSystem(hadoop), data, given, options);
            return new LocatedDataset(found.format().name(), found.layout());
        } catch (FormatOptionException e) {
            throw new ConfigException(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("--data " + data + ": cannot read: " + e.getMessage(), e);
        }
    }
}
