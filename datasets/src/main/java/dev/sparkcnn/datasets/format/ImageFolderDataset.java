package dev.sparkcnn.datasets.format;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.ImageFolderFormat;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.InvalidDataException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Image folders ({@code <dir>/<class>/*.png|jpg|jpeg}): the driver lists the class folders, refuses
 * an empty one, and decodes one image to learn the channel count; executors decode the others, one
 * record per file (so a bad image can be skipped). Images are resized to {@code --image-size}
 * (default {@value #DEFAULT_SIZE}).
 *
 * <p>Files are ordered round-robin over the classes (the first image of every class, then the
 * second, ...), so the contiguous slices of the data plan hold every class in proportion rather
 * than one class per partition.
 */
public final class ImageFolderDataset implements DatasetFormat {
    public static final int DEFAULT_SIZE = 32;
    /** Images tried on the driver to find one that decodes, before giving up. */
    private static final int PROBES = 20;

    @Override
    public String name() {
        return "images";
    }

    @Override
    public String displayName() {
        return "image folders";
    }

    @Override
    public String description() {
        return "class folders of images (<class>/*.png|jpg)";
    }

    @Override
    public Set<FormatOption> accepts() {
        return Set.of(FormatOption.IMAGE_SIZE);
    }

    /** True when a sub-directory holds at least one image file. */
    @Override
    public boolean detect(DataFileSystem fs, String dir, List<FileEntry> entries) throws IOException {
        for (FileEntry sub : entries) {
            if (sub.directory() && !images(fs, sub.path()).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public DatasetLayout locate(DataFileSystem fs, String dir, List<FileEntry> entries, FormatOptions options,
                                String data) throws IOException {
        List<FileEntry> folders = entries.stream().filter(FileEntry::directory).toList();
        if (folders.size() < 2) {
            throw new InvalidDataException("--data " + data + ": an image-folder dataset needs at least 2 class "
                    + "folders (<dir>/<class>/*.png|jpg), found " + folders.size());
        }
        List<String> classes = new ArrayList<>();
        List<List<FileEntry>> perClass = new ArrayList<>();
        for (FileEntry folder : folders) {
            List<FileEntry> images = images(fs, folder.path());
            if (images.isEmpty()) {
                throw new InvalidDataException("--data " + data + ": class folder " + folder.path() + " has no "
                        + ".png, .jpg or .jpeg images; add images or remove the folder");
            }
            classes.add(folder.name());
            perClass.add(images);
        }
        List<DataFile> files = new ArrayList<>();
        int longest = perClass.stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (List<FileEntry> images : perClass) {
                if (i < images.size()) {
                    files.add(new DataFile(images.get(i).path(), null, 1));
                }
            }
        }
        int size = options.imageSize() != null ? options.imageSize() : DEFAULT_SIZE;
        DatasetSpec spec = new DatasetSpec(channels(fs, files, options.maxImagePixels()), size, size, classes);
        return new DatasetLayout(spec, options.withImageSize(size), files, List.of());
    }

    @Override
    public void read(DataFileSystem fs, DatasetSpec spec, FormatOptions options, DataFile file, long first,
                     long count, RecordSink sink) throws IOException {
        String path = file.path();
        String folder = path.substring(0, Math.max(0, path.lastIndexOf('/')));
        int label = spec.classNames().indexOf(folder.substring(folder.lastIndexOf('/') + 1));
        if (label < 0) {
            throw new IllegalStateException(path + ": not in a class folder of " + spec.classNames());
        }
        ImageRecord record;
        try (InputStream in = fs.open(path)) {
            record = ImageFolderFormat.decode(in, path, label, spec.channels(), spec.height(), options.maxImagePixels());
        } catch (InvalidDataException e) {
            sink.badRecord(e);
            return;
        }
        sink.accept(record);
    }

    /** The channel count of the first image that decodes among the first few. */
    private static int channels(DataFileSystem fs, List<DataFile> files, long maxPixels) throws IOException {
        InvalidDataException first = null;
        for (DataFile f : files.subList(0, Math.min(PROBES, files.size()))) {
            try (InputStream in = fs.open(f.path())) {
                return ImageFolderFormat.channels(in, f.path(), maxPixels);
            } catch (InvalidDataException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw first;
    }

    private static List<FileEntry> images(DataFileSystem fs, String folder) throws IOException {
        return FormatLocator.visible(fs, folder).stream()
                .filter(f -> !f.directory() && ImageFolderFormat.isImageFile(f.name())).toList();
    }
}
