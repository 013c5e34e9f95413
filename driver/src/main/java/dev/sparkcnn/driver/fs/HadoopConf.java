package dev.sparkcnn.driver.fs;

import dev.sparkcnn.driver.config.ConfigException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.Externalizable;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * A Hadoop {@link Configuration} that travels to executors inside task closures (Configuration
 * itself is not serializable), so executors open files with the driver's FS settings
 * (credentials, {@code spark.hadoop.*}).
 */
public final class HadoopConf implements Externalizable {
    private static final long serialVersionUID = 1L;
    private transient Configuration conf;

    public HadoopConf() {
        // for deserialization
    }

    public HadoopConf(Configuration conf) {
        this.conf = conf;
    }

    public Configuration get() {
        return conf;
    }

    /** Opens a file of any Hadoop file system. */
    public InputStream open(String path) throws IOException {
        return fileSystem(path).open(new Path(path), 1 << 16);
    }

    /**
     * The file system of {@code path}.
     *
     * @throws ConfigException if no file system is registered for its scheme (a typo), or the one
     *                         Hadoop names for it is not on the class path (a connector such as
     *                         hadoop-aws for {@code s3a:} missing)
     */
    public FileSystem fileSystem(String path) throws IOException {
        Path p = new Path(path);
        try {
            return p.getFileSystem(conf);
        } catch (UnsupportedFileSystemException e) {
            throw new ConfigException(path + ": no Hadoop file system for scheme '" + p.toUri().getScheme()
                    + "'; use a local path, file:, hdfs:// or s3a:// (s3a needs hadoop-aws on the class path)");
        } catch (RuntimeException e) {
            if (!(e.getCause() instanceof ClassNotFoundException missing)) {
                throw e;
            }
            String scheme = p.toUri().getScheme();
            throw new ConfigException(path + ": the Hadoop file system for scheme '" + scheme + "' is not on the "
                    + "class path (" + missing.getMessage() + "); add its connector"
                    + ("s3a".equals(scheme) ? ", org.apache.hadoop:hadoop-aws:3.3.4 (see the README)" : ""));
        }
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        conf.write(new DataOutputStream(new ObjectOutputAdapter(out)));
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
        conf = new Configuration(false);
        conf.readFields(new DataInputStream(new ObjectInputAdapter(in)));
    }

    private static final class ObjectOutputAdapter extends OutputStream {
        private final ObjectOutput out;

        ObjectOutputAdapter(ObjectOutput out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }
    }

    private static final class ObjectInputAdapter extends InputStream {
        private final ObjectInput in;

        ObjectInputAdapter(ObjectInput in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }
    }
}
