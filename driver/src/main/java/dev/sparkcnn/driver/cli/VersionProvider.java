package dev.sparkcnn.driver.cli;

import dev.sparkcnn.driver.registry.Provenance;
import picocli.CommandLine;

/** The version printed by {@code --version}: the build's, with the Spark and Java it runs on. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String own = Provenance.runningCodeVersion();
        return new String[] {"sparkcnn " + (own.equals("development build") ? "(development build)" : own),
                "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", Java "
                        + System.getProperty("java.version")};
    }
}
