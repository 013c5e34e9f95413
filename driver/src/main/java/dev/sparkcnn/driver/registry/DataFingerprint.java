package dev.sparkcnn.driver.registry;

import dev.sparkcnn.datasets.format.DataFile;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.data.LocatedDataset;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a model was trained on, by content: every data file's name (relative to the dataset
 * root), size and SHA-256, and one SHA-256 over that list. Names rather than full URIs, so the
 * same files copied to another cluster give the same fingerprint; contents rather than
 * modification times, so a re-download of identical bytes does too, and one changed byte does not.
 *
 * @param sha256 the combined hash: SHA-256 of the lines {@code name \t size \t sha256 \n}, sorted by name
 * @param files  file name to size and hash, sorted by name
 */
public record DataFingerprint(String root, String sha256, Map<String, FileHash> files) {

    /** One file's size and content hash. */
    public record FileHash(long size, String sha256) {
    }

    /** Hashes the training and test files of {@code dataset} (IDX label files too), streamed through Hadoop FS. */
    public static DataFingerprint of(HadoopConf hadoop, String root, LocatedDataset dataset) {
        List<String> paths = new ArrayList<>();
        for (DataFile f : concat(dataset.trainFiles(), dataset.testFiles())) {
            paths.add(f.path());
            if (f.labelsPath() != null) {
                paths.add(f.labelsPath());
            }
        }
        return of(hadoop, root, paths);
    }

    /** Hashes {@code paths}, naming each relative to {@code root} when it lies below it. */
    public static DataFingerprint of(HadoopConf hadoop, String root, List<String> paths) {
        try {
            FileSystem fs = hadoop.fileSystem(root);
            String prefix = fs.makeQualified(new Path(root)).toString();
            Map<String, FileHash> files = new TreeMap<>();
            for (String p : new TreeSet<>(paths)) {
                Path path = fs.makeQualified(new Path(p));
                String full = path.toString();
                String name = full.startsWith(prefix + "/") ? full.substring(prefix.length() + 1) : full;
                files.put(name, hash(fs, path));
            }
            return new DataFingerprint(root, combined(files), files);
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot fingerprint the data: " + e.getMessage(), e);
        }
    }

    /** Names of the files that differ between two fingerprints (changed, added or removed), with how. */
    public static Map<String, String> diff(DataFingerprint before, DataFingerprint after) {
        Map<String, String> changes = new LinkedHashMap<>();
        TreeSet<String> names = new TreeSet<>(before.files().keySet());
        names.addAll(after.files().keySet());
        for (String name : names) {
            FileHash a = before.files().get(name);
            FileHash b = after.files().get(name);
            if (a == null) {
                changes.put(name, "added");
            } else if (b == null) {
                changes.put(name, "removed");
            } else if (!a.equals(b)) {
                changes.put(name, a.size() == b.size() ? "content changed" : "size " + a.size() + " -> " + b.size());
            }
        }
        return changes;
    }

    private static FileHash hash(FileSystem fs, Path path) throws IOException {
        MessageDigest digest = newDigest();
        long size = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = fs.open(path, buffer.length)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                size += n;
            }
        }
        return new FileHash(size, HexFormat.of().formatHex(digest.digest()));
    }

    private static String combined(Map<String, FileHash> files) {
        MessageDigest digest = newDigest();
        files.forEach((name, h) -> digest.update((name + "\t" + h.size() + "\t" + h.sha256() + "\n")
                .getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK must provide SHA-256", e);
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
