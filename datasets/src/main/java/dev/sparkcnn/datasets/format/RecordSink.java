package dev.sparkcnn.datasets.format;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.InvalidDataException;
import java.util.function.Consumer;

/**
 * Where a format's reader puts the records it reads. A record that stands alone (one image file)
 * and is bad goes to {@link #badRecord}, which fails by default and may instead skip it; a bad
 * record inside a multi-record file always fails, as the rest of that file is suspect.
 */
public interface RecordSink extends Consumer<ImageRecord> {

    /** A bad stand-alone record: throw {@code e} (the default) or count and skip it. */
    default void badRecord(InvalidDataException e) {
        throw e;
    }
}
