package dev.sparkcnn.driver.store;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a directory of files on any Hadoop file system so that readers see either the old
 * directory or the complete new one, never a half-written one: files go to a hidden temporary
 * sibling, which is renamed into place when all are written. With overwrite, the old directory is
 * first renamed aside and deleted only after the new one is in place ({@link #recover} puts it back
 * if the process dies in between), and only a directory recognisably this project's is replaced.
 */
public final class AtomicDirectory {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");

    private AtomicDirectory() {
    }

    /**
     * Fails with a clear message when {@code target} exists and overwriting was not asked for, or
     * when its parent directory cannot be written (checked by creating and deleting a hidden probe
     * file there, so a run does not find out only after hours of training).
     */
    public static void checkWritable(HadoopConf hadoop, String target, boolean overwrite, String option) {
        checkWritable(hadoop, target, overwrite, option, null);
    }

    /**
     * As {@link #checkWritable(HadoopConf, String, boolean, String)}; with overwrite, an existing
     * {@code target} must also be recognisably this project's: a directory holding {@code marker}
     * (e.g. a model directory's {@code model.json}). Anything else is refused, named, and kept.
     * A null {@code marker} means the caller has already recognised the directory.
     */
    public static void checkWritable(HadoopConf hadoop, String target, boolean overwrite, String option,
                                     String marker) {
        Path path = new Path(target);
        try {
            FileSystem fs = hadoop.fileSystem(target);
            if (!overwrite && fs.exists(path)) {
                throw new ConfigException(option + " " + target + " already exists; choose a new directory or pass "
                        + "--overwrite to replace it");
            }
            if (overwrite && marker != null && fs.exists(path) && !recognised(fs, path, marker)) {
                throw new ConfigException(option + " " + target + " exists and is not a directory this program wrote "
                        + "(it has no " + marker + "); --overwrite replaces only those: choose a new directory, or "
                        + "remove it yourself if you mean to");
            }
            Path parent = path.getParent();
            if (parent != null) {
                Path probe = new Path(parent, "." + path.getName() + ".probe-" + UUID.randomUUID().toString()
                        .substring(0, 8));
                Path firstCreated = null; // the highest directory the probe has to create
                for (Path p = parent; p != null && !fs.exists(p); p = p.getParent()) {
                    firstCreated = p;
                }
                if (firstCreated != null) {
                    fs.mkdirs(parent);
                }
                try {
                    fs.create(probe, false).close();
                    fs.delete(probe, false);
                } finally {
                    if (firstCreated != null) {
                        fs.delete(firstCreated, true); // leave nothing behind; created again at the end
                    }
                }
            }
        } catch (IOException e) {
            if (e instanceof org.apache.hadoop.security.AccessControlException
                    || e instanceof java.nio.file.AccessDeniedException
                    || String.valueOf(e.getMessage()).contains("Permission denied")) {
                throw new ConfigException(option + " " + target + ": permission denied (" + e.getMessage()
                        + "); choose a directory you can write");
            }
            throw new UncheckedIOException(option + " " + target + ": cannot check: " + e.getMessage(), e);
        }
    }

    /** Writes {@code files} as directory {@code target}; {@code option} names it in messages. */
    public static void write(HadoopConf hadoop, String target, boolean overwrite, Map<String, byte[]> files,
                             String option) {
        write(hadoop, target, overwrite, files, option, null);
    }

    /**
     * As {@link #write(HadoopConf, String, boolean, Map, String)}; with overwrite, an existing
     * {@code target} is replaced only when it holds {@code marker} (null: the caller has recognised it).
     */
    public static void write(HadoopConf hadoop, String target, boolean overwrite, Map<String, byte[]> files,
                             String option, String marker) {
        Path dest = new Path(target);
        Path parent = dest.getParent();
        String id = UUID.randomUUID().toString().substring(0, 8);
        Path tmp = new Path(parent, "." + dest.getName() + ".tmp-" + id);
        Path old = new Path(parent, "." + dest.getName() + ".old-" + id);
        try {
            FileSystem fs = hadoop.fileSystem(target);
            // no .crc side files on the local FS: state.bin carries its own checksum
            fs.setWriteChecksum(false);
            recover(hadoop, target);
            checkWritable(hadoop, target, overwrite, option, marker);
            try {
                fs.mkdirs(tmp);
                for (Map.Entry<String, byte[]> f : files.entrySet()) {
                    try (OutputStream out = fs.create(new Path(tmp, f.getKey()), false)) {
                        out.write(f.getValue());
                    }
                }
                PausePoints.reached(PausePoints.DIRECTORY_WRITTEN);
                boolean replaced = overwrite && fs.exists(dest) && rename(fs, dest, old);
                if (replaced) {
                    PausePoints.reached(PausePoints.OLD_MOVED_ASIDE);
                }
                rename(fs, tmp, dest);
                if (replaced) {
                    PausePoints.reached(PausePoints.NEW_IN_PLACE);
                    fs.delete(old, true);
                }
            } finally {
                if (fs.exists(tmp)) {
                    fs.delete(tmp, true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": could not write: " + e.getMessage(), e);
        }
    }

    /**
     * Puts back a directory that a replacing write had moved aside when the process died before
     * the new one was renamed in (the only moment of a replace with no directory at {@code target}):
     * if {@code target} is missing and exactly one {@code .<name>.old-*} sibling exists, it is
     * renamed back. Readers call this before reading, so a crash there loses nothing.
     *
     * @return true when a directory was put back
     */
    public static boolean recover(HadoopConf hadoop, String target) {
        Path dest = new Path(target);
        Path parent = dest.getParent();
        if (parent == null) {
            return false;
        }
        try {
            FileSystem fs = hadoop.fileSystem(target);
            if (fs.exists(dest) || !fs.exists(parent)) {
                return false;
            }
            FileStatus[] aside = fs.globStatus(new Path(parent, "." + dest.getName() + ".old-*"));
            if (aside == null || aside.length != 1 || !aside[0].isDirectory()) {
                return false;
            }
            LOG.warn("{}: missing, but {} is the previous version moved aside by a write that did not finish; "
                    + "putting it back", target, aside[0].getPath());
            return fs.rename(aside[0].getPath(), dest);
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot recover an unfinished replace: " + e.getMessage(), e);
        }
    }

    private static boolean recognised(FileSystem fs, Path dir, String marker) throws IOException {
        return fs.getFileStatus(dir).isDirectory() && fs.exists(new Path(dir, marker));
    }

    private static boolean rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("rename " + from + " -> " + to + " failed");
        }
        return true;
    }
}
