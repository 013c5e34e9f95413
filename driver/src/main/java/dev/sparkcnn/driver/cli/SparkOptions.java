package dev.sparkcnn.driver.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every Spark command shares. */
public final class SparkOptions {
    @Option(names = "--conf", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A Spark setting, repeatable (e.g. --conf spark.executor.memory=4g).")
    Map<String, String> conf = new LinkedHashMap<>();

    public Map<String, String> conf() {
        return conf;
    }
}
