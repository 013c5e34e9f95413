package dev.sparkcnn.driver.cli;

import dev.sparkcnn.driver.jobs.ReportJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sparkcnn report}. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write DIR/report.html with PNG charts in DIR/report/: training loss and accuracy per round, "
                + "accuracy per partition and per class, the confusion matrix, and a grid of test images with the "
                + "model's predictions (wrong ones marked). Runs in this process (no Spark); train writes it too unless "
                + "--no-report. Replaces a previous report.",
                "Example: sparkcnn report models/demo"})
public final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "Model directory written by train.")
    String modelDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() {
        new ReportJob(modelDir, command.commandLine().getOut()).run();
        return 0;
    }
}
