package dev.sparkcnn.driver.data;

import dev.sparkcnn.datasets.format.DataFileSystem;
import dev.sparkcnn.datasets.format.FileEntry;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/** The dataset formats' view of files, on Hadoop's FileSystem API (file:, hdfs:, s3a:). */
final class HadoopDataFileSystem implements DataFileSystem {
    private final HadoopConf hadoop;

    HadoopDataFileSystem(HadoopConf hadoop) {
        this.hadoop = hadoop;
    }

    @Override
    public FileEntry status(String path) throws IOException {
        try {
            return entry(hadoop.fileSystem(path).getFileStatus(new Path(path)));
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    @Override
    public List<FileEntry> list(String dir) throws IOException {
        List<FileEntry> out = new ArrayList<>();
        for (FileStatus s : hadoop.fileSystem(dir).listStatus(new Path(dir))) {
            out.add(entry(s));
        }
        return out;
    }

    @Override
    public InputStream open(String path) throws IOException {
        return hadoop.open(path);
    }

    @Override
    public String child(String dir, String name) {
        return new Path(new Path(dir), name).toString();
    }

    private static FileEntry entry(FileStatus s) {
        return new FileEntry(s.getPath().toString(), s.getPath().getName(), s.isDirectory() ? 0 : s.getLen(),
                s.isDirectory());
    }
}
