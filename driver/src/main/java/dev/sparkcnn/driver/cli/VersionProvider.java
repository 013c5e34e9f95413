package dev.sparkcnn.driver.cli;

import picocli.CommandLine;

/** The version printed by {@code --version}: the build's, with the Spark and Java it runs on. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String own = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"sparkcnn " + (own != null ? own : "(development build)"),
                "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", Java "
                        + System.getProperty("java.version")};
    }
}
