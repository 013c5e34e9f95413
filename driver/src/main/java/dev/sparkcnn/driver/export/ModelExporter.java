package dev.sparkcnn.driver.export;

import dev.sparkcnn.driver.store.SavedModel;
import java.io.IOException;
import java.io.OutputStream;

/** Writes a stored model in one target format. */
public interface ModelExporter {

    /**
     * Checks that the target can express every layer of the model, before anything is written.
     *
     * @throws IllegalArgumentException naming the first layer the target cannot express
     */
    void check(SavedModel model);

    /** Writes the model to {@code out} (not closed). */
    void write(SavedModel model, OutputStream out) throws IOException;
}
