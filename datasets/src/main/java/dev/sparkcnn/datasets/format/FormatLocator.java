package dev.sparkcnn.datasets.format;

import dev.sparkcnn.datasets.InvalidDataException;
import java.io.IOException;
import java.util.List;

/**
 * Finds the dataset at a location: checks it is a directory, steps into an official archive's
 * directory when the location itself holds no data, picks the format (given, or the first
 * registered format that detects its files), refuses options the format does not take, and lets
 * the format locate and validate its files.
 */
public final class FormatLocator {
    private FormatLocator() {
    }

    /** A located dataset: its format and what the format found. */
    public record Located(DatasetFormat format, DatasetLayout layout) {
    }

    /**
     * @param data    the dataset directory, as the user gave it
     * @param format  the format to read it as; null = detect
     * @throws InvalidDataException  if the location is missing, not a directory, empty, unrecognised
     *                               or holds malformed files
     * @throws FormatOptionException if {@code options} gives an option the format does not take
     */
    public static Located locate(DataFileSystem fs, String data, DatasetFormat format, FormatOptions options)
            throws IOException {
        FileEntry root = fs.status(data);
        if (root == null) {
            throw new InvalidDataException("--data " + data + ": no such file or directory; give the directory "
                    + "holding the dataset files (e.g. `bin/sparkcnn data generate --out " + data
                    + "` creates a demo set there)");
        }
        if (!root.directory()) {
            throw new InvalidDataException("--data " + data + ": is a file; give the directory that holds the "
                    + "dataset files");
        }
        String dir = data;
        List<FileEntry> entries = visible(fs, dir);
        List<DatasetFormat> candidates = format != null ? List.of(format) : DatasetFormats.all();
        if (detect(fs, dir, entries, candidates) == null) {
            String archive = archiveDirectory(fs, dir, candidates);
            if (archive != null) {
                dir = archive;
                entries = visible(fs, dir);
            }
        }
        DatasetFormat chosen = format != null ? format : detect(fs, dir, entries, candidates);
        if (chosen == null) {
            throw unrecognised(data, entries);
        }
        for (FormatOption option : options.given()) {
            if (!chosen.accepts().contains(option)) {
                throw new FormatOptionException(option.flag() + " applies to " + DatasetFormats.accepting(option)
                        + " only, but " + data + " holds " + chosen.displayName() + " data; remove it");
            }
        }
        return new Located(chosen, chosen.locate(fs, dir, entries, options, data));
    }

    /** The visible entries directly in {@code dir}, sorted by name. */
    public static List<FileEntry> visible(DataFileSystem fs, String dir) throws IOException {
        return fs.list(dir).stream().filter(FileEntry::visible).filter(e -> e.length() >= 0)
                .sorted(java.util.Comparator.comparing(FileEntry::name)).toList();
    }

    private static DatasetFormat detect(DataFileSystem fs, String dir, List<FileEntry> entries,
                                        List<DatasetFormat> candidates) throws IOException {
        for (DatasetFormat f : candidates) {
            if (f.detect(fs, dir, entries)) {
                return f;
            }
        }
        return null;
    }

    private static String archiveDirectory(DataFileSystem fs, String dir, List<DatasetFormat> candidates)
            throws IOException {
        for (DatasetFormat f : candidates) {
            for (String name : f.archiveDirectories()) {
                String sub = fs.child(dir, name);
                if (fs.isDirectory(sub)) {
                    return sub;
                }
            }
        }
        return null;
    }

    private static InvalidDataException unrecognised(String data, List<FileEntry> entries) {
        List<String> files = entries.stream().filter(FileEntry::visibleFile).map(FileEntry::name).toList();
        List<String> kinds = DatasetFormats.all().stream().map(DatasetFormat::description).toList();
        String expected = kinds.size() == 1 ? kinds.get(0)
                : String.join(", ", kinds.subList(0, kinds.size() - 1)) + " or " + kinds.get(kinds.size() - 1);
        if (files.isEmpty()) {
            return new InvalidDataException("--data " + data + ": the directory is empty; put " + expected
                    + " there");
        }
        return new InvalidDataException("--data " + data + ": cannot tell the format from the files "
                + preview(files) + "; expected " + expected + "; pass --format if the files are named differently");
    }

    static String preview(List<String> names) {
        List<String> first = names.stream().sorted().limit(6).toList();
        return "[" + String.join(", ", first) + (names.size() > 6 ? ", ..." : "") + "]";
    }
}
