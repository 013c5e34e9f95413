package dev.sparkcnn.driver.config;

import dev.sparkcnn.datasets.format.DatasetFormat;
import dev.sparkcnn.datasets.format.DatasetFormats;
import dev.sparkcnn.datasets.format.FormatOption;

/**
 * The dataset format {@code --format} names: one registered in {@link DatasetFormats} (the
 * registry decides which names exist and which options each format takes; no format name is
 * compared here).
 *
 * @param id the registered name, e.g. {@code cifar10}
 */
public record DataFormat(String id) implements Choices.Named {

    /** @throws ConfigException naming {@code --format} if no format is registered under {@code id} */
    public DataFormat {
        Choices.require(id != null && DatasetFormats.find(id).isPresent(), "--format", "'" + id
                + "' is not a known format; use one of " + String.join(", ", DatasetFormats.names())
                + " (or omit it to detect the format from the files)");
    }

    public static DataFormat of(String id) {
        return new DataFormat(id);
    }

    /** Whether this format takes {@code option} ({@code --label-set}, {@code --image-size}). */
    public boolean accepts(FormatOption option) {
        return DatasetFormats.accepts(id, option);
    }

    /** The display names of the formats that take {@code option}, for messages: {@code CIFAR-100}. */
    static String accepting(FormatOption option) {
        return String.join(" and ", DatasetFormats.all().stream().filter(f -> f.accepts().contains(option))
                .map(DatasetFormat::displayName).toList());
    }
}
