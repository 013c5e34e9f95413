package dev.sparkcnn.driver.registry;

import dev.sparkcnn.driver.store.PausePoints;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Creates a small file with its complete content under a name that must not exist yet, so that of
 * two processes racing for the same name exactly one wins and no reader ever sees a partial file.
 *
 * <p>Hadoop's {@code create(path, overwrite=false)} is exclusive on HDFS (the NameNode decides) but
 * only check-then-create on the local file system, and a reader could see the file before its
 * content is written. So the content goes to a hidden temporary sibling first, which is then
 * published under the final name with a primitive that fails when the name is taken: on the local
 * file system a hard link ({@code link(2)} fails with EEXIST; {@code rename(2)} would silently
 * replace), on HDFS a file rename (fails when the target exists). Object stores without atomic
 * rename (S3A) give no such guarantee: run one writer at a time there.
 */
final class ExclusiveFiles {
    private ExclusiveFiles() {
    }

    /** Writes {@code content} as {@code target}; false (and nothing changed) when the name is taken. */
    static boolean create(FileSystem fs, Path target, byte[] content) throws IOException {
        return create(fs, target, content, () -> { });
    }

    /** As {@link #create(FileSystem, Path, byte[])}; {@code beforePublish} runs between writing and publishing. */
    static boolean create(FileSystem fs, Path target, byte[] content, Runnable beforePublish) throws IOException {
        if (fs.exists(target)) {
            return false;
        }
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-"
                + UUID.randomUUID().toString().substring(0, 8));
        fs.setWriteChecksum(false);
        try (OutputStream out = fs.create(tmp, false)) {
            out.write(content);
        }
        boolean published = false;
        try {
            beforePublish.run();
            boolean entry = target.getName().startsWith(ChampionHistory.PREFIX);
            if (entry) {
                PausePoints.reached(PausePoints.ENTRY_WRITTEN);
            }
            published = publish(fs, tmp, target);
            if (published && entry) {
                PausePoints.reached(PausePoints.ENTRY_PUBLISHED);
            }
            return published;
        } finally {
            if (!published || isLocal(fs)) {
                fs.delete(tmp, false);
            }
        }
    }

    private static boolean publish(FileSystem fs, Path tmp, Path target) throws IOException {
        if (isLocal(fs)) {
            try {
                Files.createLink(local(fs, target), local(fs, tmp));
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        }
        return fs.rename(tmp, target) && fs.getFileStatus(target).isFile();
    }

    static boolean isLocal(FileSystem fs) {
        return "file".equals(fs.getScheme());
    }

    private static java.nio.file.Path local(FileSystem fs, Path p) {
        return new java.io.File(fs.makeQualified(p).toUri().getPath()).toPath();
    }
}
