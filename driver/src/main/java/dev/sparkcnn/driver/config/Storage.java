package dev.sparkcnn.driver.config;

import java.util.List;

/** Where a run keeps its uint8 records between passes ({@code train --storage}). */
public enum Storage implements Choices.Named {
    /** Serialized in executor memory; partitions that do not fit are dropped and re-read from the files when needed. */
    MEMORY("memory"),
    /** Serialized in executor memory, spilling what does not fit to the executors' local disks. */
    MEMORY_AND_DISK("memory-and-disk"),
    /** Not kept: every pass re-reads the files. */
    NONE("none");

    /** The default: as fast as {@link #MEMORY} when the records fit, and never re-reads the files when they do not. */
    public static final Storage DEFAULT = MEMORY_AND_DISK;

    private final String id;

    Storage(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    public static List<String> ids() {
        return Choices.ids(values());
    }

    /**
     * The storage named {@code id}; null means {@link #DEFAULT}.
     *
     * @throws ConfigException naming {@code --storage} if the id is unknown
     */
    public static Storage of(String id) {
        if (id == null) {
            return DEFAULT;
        }
        Storage s = Choices.find(values(), id);
        Choices.require(s != null, "--storage", "'" + id + "' is not a storage level; use one of "
                + String.join(", ", ids()));
        return s;
    }
}
