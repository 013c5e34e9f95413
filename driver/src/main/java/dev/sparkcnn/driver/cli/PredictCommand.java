package dev.sparkcnn.driver.cli;

import dev.sparkcnn.driver.jobs.PredictJob;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sparkcnn predict}. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print a model's most probable classes for image files and for test records of a dataset. "
                + "Runs in this process (no Spark).",
                "Images are resized to the model's input and scaled as in training; their colour channels must "
                        + "match the model's (grey-scale or RGB).",
                "Examples: sparkcnn predict --model-dir models/demo cat.png",
                "          sparkcnn predict --model-dir models/demo --random --show /tmp/pred.png"})
public final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "Model directory written by "
            + "train.")
    String modelDir;

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "PNG or JPEG files (paths or Hadoop URIs).")
    List<String> images = List.of();

    @Option(names = "--index", paramLabel = "N", description = "Test record N of the dataset, repeatable: the "
            + "dataset's test files when it has them (CIFAR test_batch.bin, IDX t10k-*), else the held-out split of "
            + "the model's run.")
    List<Long> indices = List.of();

    @Option(names = "--random", description = "Add a random test record; repeat for more (a flag, so it never "
            + "takes an image file as its value).")
    boolean[] random = new boolean[0];

    @Option(names = "--seed", paramLabel = "S", description = "Seed of --random (default: a new choice every run).")
    Long seed;

    @Option(names = "--data", paramLabel = "PATH|URI", description = "Dataset for --index and --random (default: "
            + "the one the model was trained on).")
    String data;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "3", description = "Classes printed per input "
            + "(default: 3).")
    int topK;

    @Option(names = "--show", paramLabel = "FILE", description = "Also write a PNG of the inputs, enlarged, with "
            + "predicted class and probability (and the true class of records; wrong answers framed red).")
    Path show;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() {
        new PredictJob(new PredictJob.Request(modelDir, images, data, indices, random.length, seed, topK, show),
                command.commandLine().getOut()).run();
        return 0;
    }
}
