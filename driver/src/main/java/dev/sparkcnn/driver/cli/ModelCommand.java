package dev.sparkcnn.driver.cli;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.NetworkDefinition;
import dev.sparkcnn.kernels.model.Shape;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sparkcnn model}: network definitions (the catalogue's and a user's definition files). */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Network definitions: the catalogue models, definition files and Keras imports.",
        subcommands = {ModelCommand.Summary.class})
public final class ModelCommand extends CommandGroup {

    /** {@code model summary}: shape inference, printed as the summary table. No Spark, no ND4J. */
    @Command(name = "summary", mixinStandardHelpOptions = true,
            description = {"Print a network's layers with their output shapes and parameter counts, and the "
                    + "totals, for an input shape and class count. A definition that does not fit fails here "
                    + "with the file, layer and field.",
                    "Example: sparkcnn model summary --model resnet20 --input 3x32x32 --classes 10"})
    static final class Summary implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "NAME|FILE|keras:FILE",
                description = "A catalogue model (simple-cnn, mnist-cnn, cifar-cnn, vgg-bn, resnet20), a "
                        + "definition file FILE.json, or keras:FILE.json: a file Keras writes with to_json(), whose "
                        + "architecture is imported.")
        String model;

        @Option(names = "--input", paramLabel = "CxHxW",
                description = "Input shape, e.g. 3x32x32 (default: the definition's 'input'; required if it has none).")
        String input;

        @Option(names = "--classes", paramLabel = "N", defaultValue = "10",
                description = "Number of classes (default: ${DEFAULT-VALUE}).")
        int classes;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            NetworkDefinition definition = ModelCatalogue.definition(model);
            Shape shape;
            if (input != null) {
                shape = Shape.parse(input);
            } else if (definition.input() != null) {
                shape = definition.input();
            } else {
                throw new ConfigException("--input is required: " + model + " does not fix its input shape; "
                        + "give one, e.g. --input 3x32x32");
            }
            spec.commandLine().getOut().print(definition.summary(shape, classes).table());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
