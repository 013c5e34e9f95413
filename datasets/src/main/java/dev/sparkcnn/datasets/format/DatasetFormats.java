package dev.sparkcnn.datasets.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The registry of dataset formats: every {@link DatasetFormat} named in a
 * {@code META-INF/services/dev.sparkcnn.datasets.format.DatasetFormat} file on the class path, in
 * class-path order and, within a file, line order. This module's file lists the built-in formats
 * {@code cifar10}, {@code cifar100}, {@code idx} and {@code images}, in the order detection tries
 * them. Adding a format is one class plus one line in such a file.
 */
public final class DatasetFormats {
    private static volatile List<DatasetFormat> loaded;

    private DatasetFormats() {
    }

    /** Every registered format, in detection order. */
    public static List<DatasetFormat> all() {
        List<DatasetFormat> formats = loaded;
        if (formats == null) {
            formats = load();
            loaded = formats;
        }
        return formats;
    }

    /** The names of the registered formats, e.g. for help texts and validation. */
    public static List<String> names() {
        return all().stream().map(DatasetFormat::name).toList();
    }

    /** The format called {@code name}, if one is registered. */
    public static Optional<DatasetFormat> find(String name) {
        return all().stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /**
     * The format called {@code name}.
     *
     * @throws FormatOptionException if none is registered under that name
     */
    public static DatasetFormat get(String name) {
        return find(name).orElseThrow(() -> new FormatOptionException("--format '" + name
                + "' is not a dataset format; use one of " + String.join(", ", names())
                + " (or omit it to detect the format)"));
    }

    /** True when the format called {@code name} takes {@code option}. */
    public static boolean accepts(String name, FormatOption option) {
        return get(name).accepts().contains(option);
    }

    /** The display names of the formats that take {@code option}, joined for a message. */
    static String accepting(FormatOption option) {
        List<String> names = all().stream().filter(f -> f.accepts().contains(option))
                .map(DatasetFormat::displayName).toList();
        return names.isEmpty() ? "no format" : String.join(" and ", names);
    }

    private static synchronized List<DatasetFormat> load() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        List<DatasetFormat> out = new ArrayList<>();
        for (DatasetFormat f : ServiceLoader.load(DatasetFormat.class,
                loader != null ? loader : DatasetFormat.class.getClassLoader())) {
            if (out.stream().noneMatch(g -> g.name().equals(f.name()))) {
                out.add(f);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no dataset format is registered: META-INF/services/"
                    + DatasetFormat.class.getName() + " is missing from the class path (a broken jar)");
        }
        return List.copyOf(out);
    }
}
