package dev.sparkcnn.driver.data;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.storage.StorageLevel;

/**
 * Where a run keeps its uint8 records between epochs ({@code train --storage}).
 */
public enum Storage {
    /** Serialized in executor memory; partitions that do not fit are dropped and re-read from the files when needed. */
    MEMORY("memory", StorageLevel.MEMORY_ONLY_SER()),
    /** Serialized in executor memory, spilling what does not fit to the executors' local disks. */
    MEMORY_AND_DISK("memory-and-disk", StorageLevel.MEMORY_AND_DISK_SER()),
    /** Not kept: every pass re-reads the files. */
    NONE("none", StorageLevel.NONE());

    /** The default: as fast as {@link #MEMORY} when the records fit, and never re-reads the files when they do not. */
    public static final Storage DEFAULT = MEMORY_AND_DISK;

    private final String id;
    private final StorageLevel level;

    Storage(String id, StorageLevel level) {
        this.id = id;
        this.level = level;
    }

    public String id() {
        return id;
    }

    /** Spark's storage level ({@code NONE}: not persisted). */
    public StorageLevel level() {
        return level;
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Storage::id).toList();
    }

    /** The storage named {@code id}; null means {@link #DEFAULT}. */
    public static Storage of(String id) {
        if (id == null) {
            return DEFAULT;
        }
        for (Storage s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + id + "' is not a storage level; use one of " + String.join(", ", ids()));
    }
}
