package dev.sparkcnn.datasets;

import dev.sparkcnn.datasets.format.DataFileSystem;
import dev.sparkcnn.datasets.format.FileEntry;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** A {@link DataFileSystem} of files held in memory ({@code /dir/name} paths), so fuzzing touches no disk. */
final class MemoryFileSystem implements DataFileSystem {
    private final Map<String, byte[]> files = new TreeMap<>();

    MemoryFileSystem put(String path, byte[] bytes) {
        files.put(path, bytes);
        return this;
    }

    @Override
    public FileEntry status(String path) {
        if (files.containsKey(path)) {
            return new FileEntry(path, name(path), files.get(path).length, false);
        }
        boolean dir = files.keySet().stream().anyMatch(p -> p.startsWith(path + "/"));
        return dir ? new FileEntry(path, name(path), 0, true) : null;
    }

    @Override
    public List<FileEntry> list(String dir) {
        TreeSet<String> children = new TreeSet<>();
        for (String p : files.keySet()) {
            if (p.startsWith(dir + "/")) {
                String rest = p.substring(dir.length() + 1);
                children.add(dir + "/" + (rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest));
            }
        }
        List<FileEntry> out = new ArrayList<>();
        for (String c : children) {
            out.add(status(c));
        }
        return out;
    }

    @Override
    public InputStream open(String path) throws FileNotFoundException {
        byte[] bytes = files.get(path);
        if (bytes == null) {
            throw new FileNotFoundException(path);
        }
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public String child(String dir, String name) {
        return dir + "/" + name;
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
