package dev.sparkcnn.driver.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/** A command that only groups subcommands: called alone, it prints its usage and exits 2. */
public abstract class CommandGroup implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": a subcommand is required");
        spec.commandLine().usage(spec.commandLine().getErr());
        return Failures.BAD_INPUT;
    }
}
