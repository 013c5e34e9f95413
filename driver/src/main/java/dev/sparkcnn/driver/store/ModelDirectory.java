package dev.sparkcnn.driver.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model directory on any Hadoop file system:
 * <pre>
 *   model.json    what the network is (model spec, engine, data shape and classes, normalization)
 *   state.bin     parameters + updater state + iteration ({@link StateFile})
 *   config.json   the full training configuration
 *   metrics.json  evaluation and per-round figures
 * </pre>
 * Written atomically ({@link AtomicDirectory}).
 */
public final class ModelDirectory {
    public static final String MODEL = "model.json";
    public static final String STATE = "state.bin";
    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.json";
    private static final int FORMAT_VERSION = 1;

    /** The content of {@code model.json}. */
    public record ModelInfo(int formatVersion, ModelSpec spec, String engine, DatasetSpec data,
                            Normalization normalization, int numParams, int updaterStateSize, long iteration) {
    }

    private ModelDirectory() {
    }

    public static void write(HadoopConf hadoop, String dir, boolean overwrite, SavedModel model, String configJson,
                             String metricsJson) {
        ModelInfo info = new ModelInfo(FORMAT_VERSION, model.spec(), model.engine(), model.data(),
                model.normalization(), model.state().params().length, model.state().updaterState().length,
                model.state().iteration());
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(STATE, StateFile.encode(model.state()));
        files.put(CONFIG, configJson.getBytes(StandardCharsets.UTF_8));
        files.put(METRICS, metricsJson.getBytes(StandardCharsets.UTF_8));
        files.put(MODEL, Json.write(info).getBytes(StandardCharsets.UTF_8));
        AtomicDirectory.write(hadoop, dir, overwrite, files, "--out", MODEL);
    }

    /**
     * Fails early when {@code dir} cannot be written: it exists and overwrite was not asked for, it
     * exists and is not a model directory (only those are replaced), or its parent is not writable.
     */
    public static void checkWritable(HadoopConf hadoop, String dir, boolean overwrite) {
        AtomicDirectory.checkWritable(hadoop, dir, overwrite, "--out", MODEL);
    }

    public static SavedModel read(HadoopConf hadoop, String dir) {
        AtomicDirectory.recover(hadoop, dir);
        ModelInfo info = Json.read(readText(hadoop, dir, MODEL), ModelInfo.class, dir + "/" + MODEL);
        if (info.formatVersion() != FORMAT_VERSION) {
            throw new InvalidDataException(dir + "/" + MODEL + ": model format version " + info.formatVersion()
                    + " is not supported by this build (supports " + FORMAT_VERSION + ")");
        }
        ModelBounds.check(info, dir + "/" + MODEL);
        ModelState state = StoreFiles.state(hadoop, dir + "/" + STATE, missing(dir));
        if (state.params().length != info.numParams() || state.updaterState().length != info.updaterStateSize()) {
            throw new InvalidDataException(dir + ": " + STATE + " holds " + state.params().length + " parameters but "
                    + MODEL + " says " + info.numParams() + "; the directory mixes two models");
        }
        return new SavedModel(info.spec(), info.engine(), info.data(), info.normalization(), state);
    }

    /** {@code config.json} as a JSON tree (its schema may grow; readers pick what they need). */
    public static JsonNode readConfig(HadoopConf hadoop, String dir) {
        try {
            return Json.MAPPER.readTree(readText(hadoop, dir, CONFIG));
        } catch (IOException e) {
            throw new InvalidDataException(dir + "/" + CONFIG + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    /** {@code metrics.json} as text (the driver's {@code Metrics} record reads it). */
    public static String readMetrics(HadoopConf hadoop, String dir) {
        return readText(hadoop, dir, METRICS);
    }

    private static String readText(HadoopConf hadoop, String dir, String name) {
        return StoreFiles.text(hadoop, dir + "/" + name, missing(dir));
    }

    private static String missing(String dir) {
        return dir + " is not a sparkcnn model directory (expected " + MODEL + ", " + STATE + ", " + CONFIG + ", "
                + METRICS + ")";
    }
}
