package dev.sparkcnn.driver.data;

import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.ImageFolderFormat;
import dev.sparkcnn.datasets.InvalidDataException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Preflight of an image-folder dataset ({@code <dir>/<class>/*.png|jpg|jpeg}) on the driver: lists
 * the class folders, refuses an empty one, and decodes one image to learn the channel count. The
 * other images are only listed here; executors decode them.
 *
 * <p>Files are ordered round-robin over the classes (the first image of every class, then the
 * second, ...), so the contiguous slices the data plan cuts hold every class in proportion rather
 * than one class per partition.
 */
final class ImageFolderLocator {
    static final int DEFAULT_SIZE = 32;
    /** Images tried on the driver to find one that decodes, before giving up. */
    private static final int PROBES = 20;

    private ImageFolderLocator() {
    }

    /** True when {@code dir} has a sub-directory holding at least one image file. */
    static boolean hasImageFolders(FileSystem fs, Path dir) throws IOException {
        for (FileStatus sub : classFolders(fs, dir)) {
            if (!images(fs, sub.getPath()).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    static LocatedDataset locate(HadoopConf hadoop, FileSystem fs, Path dir, String data, Integer imageSize)
            throws IOException {
        List<FileStatus> folders = classFolders(fs, dir);
        if (folders.size() < 2) {
            throw new InvalidDataException("--data " + data + ": an image-folder dataset needs at least 2 class "
                    + "folders (<dir>/<class>/*.png|jpg), found " + folders.size());
        }
        List<String> classes = new ArrayList<>();
        List<List<FileStatus>> perClass = new ArrayList<>();
        for (FileStatus folder : folders) {
            List<FileStatus> images = images(fs, folder.getPath());
            if (images.isEmpty()) {
                throw new InvalidDataException("--data " + data + ": class folder " + folder.getPath() + " has no "
                        + ".png, .jpg or .jpeg images; add images or remove the folder");
            }
            classes.add(folder.getPath().getName());
            perClass.add(images);
        }
        List<DataFile> files = new ArrayList<>();
        int longest = perClass.stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (List<FileStatus> images : perClass) {
                if (i < images.size()) {
                    files.add(new DataFile(images.get(i).getPath().toString(), null, 1));
                }
            }
        }
        int size = imageSize != null ? imageSize : DEFAULT_SIZE;
        DatasetSpec spec = new DatasetSpec(channels(hadoop, files), size, size, classes);
        return new LocatedDataset("images", null, spec, List.copyOf(files), List.of());
    }

    /** The channel count of the first image that decodes among the first few. */
    private static int channels(HadoopConf hadoop, List<DataFile> files) throws IOException {
        InvalidDataException first = null;
        for (DataFile f : files.subList(0, Math.min(PROBES, files.size()))) {
            try (InputStream in = hadoop.open(f.path())) {
                return ImageFolderFormat.channels(in, f.path());
            } catch (InvalidDataException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw first;
    }

    private static List<FileStatus> classFolders(FileSystem fs, Path dir) throws IOException {
        return Arrays.stream(fs.listStatus(dir)).filter(FileStatus::isDirectory).filter(f -> visible(f.getPath()))
                .sorted(Comparator.comparing(f -> f.getPath().getName())).toList();
    }

    private static List<FileStatus> images(FileSystem fs, Path folder) throws IOException {
        return Arrays.stream(fs.listStatus(folder)).filter(FileStatus::isFile).filter(f -> visible(f.getPath()))
                .filter(f -> ImageFolderFormat.isImageFile(f.getPath().getName()))
                .sorted(Comparator.comparing(f -> f.getPath().getName())).toList();
    }

    private static boolean visible(Path p) {
        return !p.getName().startsWith(".") && !p.getName().startsWith("_");
    }
}
