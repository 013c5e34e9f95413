package dev.sparkcnn.datasets.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@link DataFileSystem} on the local disk through {@code java.nio}, for tests and single-process tools. */
public final class LocalFileSystem implements DataFileSystem {
    public static final LocalFileSystem INSTANCE = new LocalFileSystem();

    private LocalFileSystem() {
    }

    @Override
    public FileEntry status(String path) throws IOException {
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            return null;
        }
        return entry(p);
    }

    @Override
    public List<FileEntry> list(String dir) throws IOException {
        List<FileEntry> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                out.add(entry(p));
            }
        }
        return out;
    }

    @Override
    public InputStream open(String path) throws IOException {
        return Files.newInputStream(Path.of(path));
    }

    @Override
    public String child(String dir, String name) {
        return Path.of(dir).resolve(name).toString();
    }

    private static FileEntry entry(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, new LinkOption[0]);
        Path name = p.getFileName();
        return new FileEntry(p.toString(), name == null ? p.toString() : name.toString(),
                a.isDirectory() ? 0 : a.size(), a.isDirectory());
    }
}
