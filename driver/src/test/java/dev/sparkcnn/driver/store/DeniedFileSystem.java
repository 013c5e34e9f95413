package dev.sparkcnn.driver.store;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.util.Progressable;

/**
 * A local file system, scheme {@code denied:}, that refuses every write as HDFS does for a user
 * without permission: "permission denied" tested even where the tests run as root (who may write
 * anywhere on a local disk). Register with {@code fs.denied.impl}.
 */
public class DeniedFileSystem extends RawLocalFileSystem {

    @Override
    public URI getUri() {
        return URI.create("denied:///");
    }

    @Override
    public String getScheme() {
        return "denied";
    }

    @Override
    public boolean mkdirs(Path f, FsPermission permission) throws IOException {
        throw new AccessControlException("Permission denied: user=tester, access=WRITE, inode=\"" + f + "\"");
    }

    @Override
    public boolean mkdirs(Path f) throws IOException {
        throw denied(f);
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        throw denied(f);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        throw denied(dst);
    }

    private static AccessControlException denied(Path f) {
        return new AccessControlException("Permission denied: user=tester, access=WRITE, inode=\"" + f + "\"");
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        throw new AccessControlException("Permission denied: user=tester, access=WRITE, inode=\"" + f + "\"");
    }
}
