package dev.sparkcnn.driver.cli;

import dev.sparkcnn.driver.export.ExportFormat;
import dev.sparkcnn.driver.export.ExportJob;
import dev.sparkcnn.driver.store.SavedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkcnn export}. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a trained model in a format other runtimes serve (no Spark).",
                "onnx: ONNX opset 13; input 'pixels' [batch, height, width, channels] float, raw 0-255 values "
                        + "(the model's normalization is part of the graph); output 'probabilities' [batch, classes].",
                "dl4j: a Deeplearning4j ModelSerializer zip (MultiLayerNetwork, or ComputationGraph for residual "
                        + "networks); input NCHW floats normalized as "
                        + "in training.",
                "Example: sparkcnn export --model-dir models/demo --format onnx --out demo.onnx"})
public final class ExportCommand implements Callable<Integer> {
    @Option(names = "--model-dir", required = true, paramLabel = "DIR",
            description = "Model directory written by train (path or Hadoop URI).")
    String modelDir;

    @Option(names = "--format", required = true, paramLabel = "onnx|dl4j", description = "Target format.")
    String format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write (local).")
    Path out;

    @Option(names = "--overwrite", description = "Replace --out if it exists.")
    boolean overwrite;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() throws java.io.IOException {
        ExportFormat target = ExportFormat.of(format);
        SavedModel model = new ExportJob(modelDir, target, out, overwrite).run();
        command.commandLine().getOut().printf("wrote %s (%s, model %s, %,d bytes)%n", out, target.id(),
                model.spec().model(), Files.size(out));
        return 0;
    }
}
