package dev.sparkcnn.driver.export;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.export.onnx.OnnxExporter;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The formats {@code sparkcnn export} writes, each with its exporter. */
public enum ExportFormat {
    /** ONNX (opset 13): NHWC float pixels in, class probabilities out, the input normalization folded in. */
    ONNX("onnx", OnnxExporter::new),
    /** A DL4J {@code ModelSerializer} zip (a {@code MultiLayerNetwork}, or a {@code ComputationGraph} with residual blocks): NCHW normalized input. */
    DL4J("dl4j", Dl4jExporter::new);

    private final String id;
    private final Supplier<ModelExporter> exporter;

    ExportFormat(String id, Supplier<ModelExporter> exporter) {
        this.id = id;
        this.exporter = exporter;
    }

    public String id() {
        return id;
    }

    public ModelExporter exporter() {
        return exporter.get();
    }

    /** The format called {@code id} (case-insensitive). */
    public static ExportFormat of(String id) {
        for (ExportFormat f : values()) {
            if (f.id.equals(id == null ? null : id.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new ConfigException("--format: unknown format '" + id + "'; choose from "
                + Arrays.stream(values()).map(ExportFormat::id).collect(Collectors.joining(", ")));
    }
}
