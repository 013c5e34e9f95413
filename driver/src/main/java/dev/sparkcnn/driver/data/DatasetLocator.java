package dev.sparkcnn.driver.data;

import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.datasets.Cifar100Format;
import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.IdxFormat;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.driver.config.ConfigException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Finds and validates a dataset through Hadoop's FileSystem API on the driver, before any Spark job:
 * lists the directory, detects the format, checks every file's structure (CIFAR record length,
 * IDX headers and exact lengths) and reads the class names. Record contents (labels) are checked
 * again when executors read them.
 */
public final class DatasetLocator {
    private final HadoopConf hadoop;

    public DatasetLocator(HadoopConf hadoop) {
        this.hadoop = hadoop;
    }

    /** Locates the dataset at {@code data}; {@code format} null means detect. */
    public LocatedDataset locate(String data, String format) {
        return locate(data, format, null);
    }

    /**
     * Locates the dataset at {@code data}; {@code format} null means detect; {@code labelSet}
     * ({@code fine}/{@code coarse}, null = fine) applies to CIFAR-100 only.
     */
    public LocatedDataset locate(String data, String format, String labelSet) {
        return locate(data, format, labelSet, null);
    }

    /**
     * As {@link #locate(String, String, String)}, with {@code imageSize} (image folders only: the side
     * images are resized to; null = 32).
     */
    public LocatedDataset locate(String data, String format, String labelSet, Integer imageSize) {
        try {
            Path dir = new Path(data);
            FileSystem fs = hadoop.fileSystem(data);
            FileStatus status;
            try {
                status = fs.getFileStatus(dir);
            } catch (FileNotFoundException e) {
                throw new InvalidDataException("--data " + data + ": no such file or directory; "
                        + "give the directory holding the dataset files (e.g. `bin/sparkcnn data generate --out "
                        + data + "` creates a demo set there)");
            }
            if (!status.isDirectory()) {
                throw new InvalidDataException("--data " + data + ": is a file; give the directory that holds the "
                        + "dataset files");
            }
            List<FileStatus> files = listFiles(fs, dir);
            if (files.stream().noneMatch(f -> CifarFormat.isTrainFile(name(f)) || Cifar100Format.isTrainFile(name(f)))) {
                for (String archiveDir : List.of(CifarFormat.ARCHIVE_DIR, Cifar100Format.ARCHIVE_DIR)) {
                    if (fs.exists(new Path(dir, archiveDir))) {
                        dir = new Path(dir, archiveDir);
                        files = listFiles(fs, dir);
                        break;
                    }
                }
            }
            if ("images".equals(format) || (format == null && !recognised(files)
                    && ImageFolderLocator.hasImageFolders(fs, dir))) {
                if (labelSet != null) {
                    throw new ConfigException("--label-set applies to CIFAR-100 only, but " + data + " holds image "
                            + "folders; remove it");
                }
                return ImageFolderLocator.locate(hadoop, fs, dir, data, imageSize);
            }
            if (imageSize != null) {
                throw new ConfigException("--image-size applies to image folders only, but " + data + " holds no "
                        + "<class>/*.png|jpg folders; remove it");
            }
            if (files.isEmpty()) {
                throw new InvalidDataException("--data " + data + ": the directory is empty; put CIFAR-10 binary "
                        + "files (data_batch_N.bin), CIFAR-100 binary files (train.bin) or IDX files "
                        + "(train-images-idx3-ubyte[.gz]) or class folders of images (<class>/*.png|jpg) there");
            }
            String fmt = format != null ? format : detect(files, data);
            if (labelSet != null && !"cifar100".equals(fmt)) {
                throw new ConfigException("--label-set applies to CIFAR-100 only, but " + data + " holds " + fmt
                        + " data; remove it");
            }
            return switch (fmt) {
                case "cifar10" -> cifar(fs, dir, files, data);
                case "cifar100" -> cifar100(fs, dir, files, data, labelSet);
                default -> idx(dir, files, data);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("--data " + data + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static boolean recognised(List<FileStatus> files) {
        return files.stream().map(DatasetLocator::name).anyMatch(n -> CifarFormat.isTrainFile(n)
                || Cifar100Format.isTrainFile(n) || n.contains("idx3-ubyte") || n.contains("idx1-ubyte"));
    }

    private static String detect(List<FileStatus> files, String data) {
        List<String> names = files.stream().map(DatasetLocator::name).toList();
        if (names.stream().anyMatch(CifarFormat::isTrainFile)) {
            return "cifar10";
        }
        if (names.stream().anyMatch(Cifar100Format::isTrainFile)) {
            return "cifar100";
        }
        if (names.stream().anyMatch(n -> n.contains("idx3-ubyte") || n.contains("idx1-ubyte"))) {
            return "idx";
        }
        throw new InvalidDataException("--data " + data + ": cannot tell the format from the files " + preview(names)
                + "; expected CIFAR-10 binary (data_batch_N.bin), CIFAR-100 binary (train.bin) or IDX (train-images-idx3-ubyte[.gz]); "
                + "pass --format if the files are named differently");
    }

    private LocatedDataset cifar(FileSystem fs, Path dir, List<FileStatus> files, String data) throws IOException {
        List<String> classes = CifarFormat.CIFAR10_CLASSES;
        Path meta = new Path(dir, CifarFormat.META_FILE);
        if (fs.exists(meta)) {
            try (InputStream in = fs.open(meta)) {
                classes = CifarFormat.readClassNames(in, meta.toString());
            }
        }
        List<DataFile> train = new ArrayList<>();
        List<DataFile> test = new ArrayList<>();
        for (FileStatus f : files) {
            String n = name(f);
            if (CifarFormat.isTrainFile(n) || CifarFormat.isTestFile(n)) {
                DataFile df = new DataFile(f.getPath().toString(), null,
                        CifarFormat.recordCount(f.getPath().toString(), f.getLen()));
                (CifarFormat.isTrainFile(n) ? train : test).add(df);
            }
        }
        if (train.isEmpty()) {
            throw new InvalidDataException("--data " + data + ": no CIFAR-10 training files (data_batch_N.bin) in "
                    + dir + " (found " + preview(files.stream().map(DatasetLocator::name).toList()) + ")");
        }
        train.sort(Comparator.comparing(DataFile::path, DatasetLocator::naturalOrder));
        return new LocatedDataset("cifar10", null, CifarFormat.spec(classes), List.copyOf(train), List.copyOf(test));
    }

    private LocatedDataset cifar100(FileSystem fs, Path dir, List<FileStatus> files, String data, String labelSet)
            throws IOException {
        Cifar100Format.LabelSet set;
        try {
            set = Cifar100Format.LabelSet.parse(labelSet == null ? "fine" : labelSet);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--label-set '" + labelSet + "' is not a CIFAR-100 label set; use fine or coarse");
        }
        List<String> classes = DatasetSpec.numberedClasses(set.classes());
        Path meta = new Path(dir, set.metaFile());
        if (fs.exists(meta)) {
            try (InputStream in = fs.open(meta)) {
                classes = Cifar100Format.readClassNames(in, meta.toString());
            }
        }
        DataFile train = null;
        List<DataFile> test = new ArrayList<>();
        for (FileStatus f : files) {
            String n = name(f);
            if (Cifar100Format.isTrainFile(n) || Cifar100Format.isTestFile(n)) {
                DataFile df = new DataFile(f.getPath().toString(), null,
                        Cifar100Format.recordCount(f.getPath().toString(), f.getLen()));
                if (Cifar100Format.isTrainFile(n)) {
                    train = df;
                } else {
                    test.add(df);
                }
            }
        }
        if (train == null) {
            throw new InvalidDataException("--data " + data + ": no CIFAR-100 training file (train.bin) in " + dir
                    + " (found " + preview(files.stream().map(DatasetLocator::name).toList()) + ")");
        }
        return new LocatedDataset("cifar100", set.cliName(), Cifar100Format.spec(classes), List.of(train),
                List.copyOf(test));
    }

    private LocatedDataset idx(Path dir, List<FileStatus> files, String data) throws IOException {
        IdxFormat.IdxFiles found = IdxFormat.locate(files.stream().map(DatasetLocator::name).toList(), data);
        IdxPair train = idxPair(dir, found.trainImages(), found.trainLabels());
        IdxFormat.IdxSummary shape = train.summary();
        int maxLabel = shape.maxLabel();
        List<DataFile> test = List.of();
        if (found.testImages() != null && found.testLabels() != null) {
            IdxPair t = idxPair(dir, found.testImages(), found.testLabels());
            if (t.summary().channels() != shape.channels() || t.summary().height() != shape.height()
                    || t.summary().width() != shape.width()) {
                throw new InvalidDataException("--data " + data + ": test images " + found.testImages() + " are "
                        + shape(t.summary()) + " but training images are " + shape(shape)
                        + "; the two sets must come from the same dataset");
            }
            maxLabel = Math.max(maxLabel, t.summary().maxLabel());
            test = List.of(t.file());
        }
        int classes = Math.max(2, maxLabel + 1);
        List<String> names = classes == 10 && data.toLowerCase(Locale.ROOT).contains("fashion")
                ? IdxFormat.FASHION_MNIST_CLASSES : DatasetSpec.numberedClasses(classes);
        DatasetSpec spec = new DatasetSpec(shape.channels(), shape.height(), shape.width(), names);
        return new LocatedDataset("idx", null, spec, List.of(train.file()), test);
    }

    private record IdxPair(DataFile file, IdxFormat.IdxSummary summary) {
    }

    private IdxPair idxPair(Path dir, String images, String labels) throws IOException {
        String imagesPath = new Path(dir, images).toString();
        String labelsPath = new Path(dir, labels).toString();
        try (InputStream in = hadoop.open(imagesPath); InputStream lab = hadoop.open(labelsPath)) {
            IdxFormat.IdxSummary s = IdxFormat.validatePair(in, imagesPath, lab, labelsPath);
            return new IdxPair(new DataFile(imagesPath, labelsPath, s.count()), s);
        }
    }

    private static String shape(IdxFormat.IdxSummary s) {
        return s.channels() + "x" + s.height() + "x" + s.width();
    }

    private static List<FileStatus> listFiles(FileSystem fs, Path dir) throws IOException {
        return Arrays.stream(fs.listStatus(dir)).filter(FileStatus::isFile).filter(f -> f.getLen() >= 0)
                .filter(f -> !name(f).startsWith(".") && !name(f).startsWith("_")).toList();
    }

    private static String name(FileStatus f) {
        return f.getPath().getName();
    }

    private static String preview(List<String> names) {
        List<String> first = names.stream().sorted().limit(6).toList();
        return "[" + String.join(", ", first) + (names.size() > 6 ? ", ..." : "") + "]";
    }

    /** data_batch_2 before data_batch_10. */
    private static int naturalOrder(String a, String b) {
        String da = a.replaceAll("\\D", "");
        String db = b.replaceAll("\\D", "");
        if (!da.isEmpty() && !db.isEmpty() && da.length() != db.length()) {
            return Integer.compare(da.length(), db.length());
        }
        return a.compareTo(b);
    }
}
