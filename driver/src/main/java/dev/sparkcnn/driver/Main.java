package dev.sparkcnn.driver;

import dev.sparkcnn.driver.cli.BenchCommand;
import dev.sparkcnn.driver.cli.CommandGroup;
import dev.sparkcnn.driver.cli.DataCommand;
import dev.sparkcnn.driver.cli.EvaluateCommand;
import dev.sparkcnn.driver.cli.Failures;
import dev.sparkcnn.driver.cli.ModelCommand;
import dev.sparkcnn.driver.cli.ModelsCommand;
import dev.sparkcnn.driver.cli.PredictCommand;
import dev.sparkcnn.driver.cli.ReportCommand;
import dev.sparkcnn.driver.cli.RetrainCommand;
import dev.sparkcnn.driver.cli.TrainCommand;
import dev.sparkcnn.driver.cli.VersionProvider;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sparkcnn} command line. Exit status: 0 success, 1 failure while running, 2 bad
 * usage or bad input (the message says which option or file, and what to do); {@code retrain}
 * also 3: the challenger was kept out.
 */
@Command(name = "sparkcnn", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Distributed data-parallel CNN training on Apache Spark.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ReportCommand.class,
                RetrainCommand.class, ModelsCommand.class, ModelCommand.class, DataCommand.class, BenchCommand.class,
                dev.sparkcnn.driver.cli.ExportCommand.class,
                CommandLine.HelpCommand.class})
public final class Main extends CommandGroup {


    public static void main(String[] args) {
        // the one place that ends the process: after an outside stop of Spark (see StopWatchdog) ...
        dev.sparkcnn.driver.spark.StopWatchdog.endProcessWith(() -> System.exit(Failures.FAILED));
        // ... and here, explicitly: Spark and native libraries can leave non-daemon threads behind.
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line in-process (tests use this) and returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        // report and predict draw pictures; no display is ever needed
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> Failures.report(e, err));
        try {
            return cl.execute(args);
        } finally {
            // autoflush covers println and printf only: a report written with print (evaluate's) would
            // otherwise stay in the writer's buffer when main exits the JVM
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

}
