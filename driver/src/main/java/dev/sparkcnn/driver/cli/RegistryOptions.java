package dev.sparkcnn.driver.cli;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.registry.ModelRegistry;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/** The registry and model name every {@code models} and {@code retrain} command addresses. */
public final class RegistryOptions {
    @Option(names = "--registry", required = true, paramLabel = "PATH|URI",
            description = "Registry root on any Hadoop file system (file:, hdfs:, s3a:); created when missing.")
    String registry;

    @Option(names = "--name", required = true, description = "Model name in the registry (letters, digits, '.', "
            + "'_', '-').")
    String name;

    HadoopConf hadoop() {
        return new HadoopConf(new Configuration());
    }

    ModelRegistry open() {
        return new ModelRegistry(hadoop(), registry, name);
    }

    /** {@code v3} or {@code 3} as a version number. */
    static int version(String text) {
        String digits = text.startsWith("v") ? text.substring(1) : text;
        try {
            int v = Integer.parseInt(digits);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("version '" + text + "' is not a version: use e.g. v3 or 3");
    }
}
