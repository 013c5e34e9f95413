package dev.sparkcnn.cluster;

import java.nio.file.Path;

/**
 * Where the build put what the tests run: the checkout is passed by the build (failsafe's
 * {@code sparkcnn.home}) so that the tests use the same scripts and artifacts a user would.
 */
final class Checkout {
    static final Path HOME = Path.of(System.getProperty("sparkcnn.home", "..")).toAbsolutePath().normalize();
    static final Path APP_JAR = HOME.resolve("deploy/target/sparkcnn-app.jar");
    static final Path SPARK_JARS = HOME.resolve("cluster/target/spark-home/jars");
    static final Path LAUNCHER = HOME.resolve("deploy/target/launcher");

    private Checkout() {
    }
}
