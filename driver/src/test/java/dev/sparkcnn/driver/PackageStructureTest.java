package dev.sparkcnn.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering of DESIGN.md, read from the sources of every module: datasets has no Spark,
 * Hadoop or ND4J; worker-kernels has no Spark API; nothing below the CLI imports it; every package
 * says in its {@code package-info.java} what lives there.
 */
class PackageStructureTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void everyPackageHasAPackageInfo() throws IOException {
        List<String> missing = new ArrayList<>();
        for (String module : List.of("datasets", "worker-kernels", "driver", "deploy", "peers")) {
            Path main = ROOT.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(main)) {
                continue;
            }
            try (Stream<Path> dirs = Files.walk(main)) {
                dirs.filter(Files::isDirectory).filter(PackageStructureTest::holdsJava)
                        .filter(d -> !Files.exists(d.resolve("package-info.java")))
                        .forEach(d -> missing.add(ROOT.relativize(d).toString()));
            }
        }
        assertEquals(List.of(), missing, "packages without a package-info.java saying what lives there");
    }

    @Test
    void datasetsSeeNeitherSparkNorHadoopNorNd4jNorTheOtherModules() throws IOException {
        assertNoImports("datasets", "org.apache.spark", "org.apache.hadoop", "org.nd4j", "org.deeplearning4j",
                "dev.sparkcnn.kernels", "dev.sparkcnn.driver");
    }

    @Test
    void workerKernelsUseNoSparkApiAndNoDriverClass() throws IOException {
        assertNoImports("worker-kernels", "org.apache.spark", "dev.sparkcnn.driver");
    }

    @Test
    void onlyTheEntryPointImportsTheCommandLinePackage() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources("driver")) {
            String pkg = file.getParent().toString().replace('\\', '/');
            boolean cliOrMain = pkg.endsWith("/driver/cli") || pkg.endsWith("/dev/sparkcnn/driver");
            if (!cliOrMain && imports(file).stream().anyMatch(i -> i.startsWith("dev.sparkcnn.driver.cli."))) {
                offenders.add(ROOT.relativize(file).toString());
            }
        }
        assertEquals(List.of(), offenders, "classes below the CLI that import it (an upward dependency)");
    }

    private static void assertNoImports(String module, String... forbidden) throws IOException {
        List<String> offenders = new ArrayList<>();
        List<Path> files = sources(module);
        assertTrue(files.size() > 5, "found the sources of " + module);
        for (Path file : files) {
            for (String imported : imports(file)) {
                for (String prefix : forbidden) {
                    if (imported.startsWith(prefix + ".")) {
                        offenders.add(ROOT.relativize(file) + " imports " + imported);
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, module + " must not depend on these");
    }

    private static List<Path> sources(String module) throws IOException {
        try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }

    private static List<String> imports(Path file) {
        try {
            Matcher m = IMPORT.matcher(Files.readString(file));
            List<String> out = new ArrayList<>();
            while (m.find()) {
                out.add(m.group(1));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean holdsJava(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
