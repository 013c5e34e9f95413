package dev.sparkcnn.driver.cli;

import dev.sparkcnn.driver.config.BadRecordPolicy;
import dev.sparkcnn.driver.config.DatasetFormat;
import dev.sparkcnn.driver.data.DatasetInspection;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sparkcnn data inspect}: look at a dataset before training on it, without starting Spark. */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print a dataset's detected format, files, record counts, class histogram and per-channel "
                + "pixel mean/std (pixels scaled to [0,1]). Reads every record once, in this process (no Spark), "
                + "through the same validating readers as train.",
                "Example: sparkcnn data inspect data/cifar10"})
public final class DataInspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH|URI", description = "The dataset directory, as for train --data.")
    String data;

    @Option(names = "--format", description = "cifar10, cifar100, idx or images; detected when omitted.")
    String format;

    @Option(names = "--label-set", paramLabel = "fine|coarse", description = "CIFAR-100: which labels to count "
            + "(default: fine).")
    String labelSet;

    @Option(names = "--image-size", paramLabel = "N", description = "Image folders: the size images are resized "
            + "to before the statistics (default: 32).")
    Integer imageSize;

    @Option(names = "--on-bad-record", paramLabel = "fail|skip", description = "Image folders: stop at an image "
            + "that does not decode or has the wrong channel count (default), or skip and count it.")
    String onBadRecord;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() {
        BadRecordPolicy policy = onBadRecord == null ? BadRecordPolicy.FAIL : BadRecordPolicy.of(onBadRecord);
        if (format != null) {
            DatasetFormat.of(format); // a known one, or a message naming --format
        }
        DatasetInspection inspection = DatasetInspection.of(new HadoopConf(new Configuration()), data, format,
                labelSet, imageSize, policy == BadRecordPolicy.SKIP);
        command.commandLine().getOut().print(inspection.render());
        command.commandLine().getOut().flush();
        return 0;
    }
}
