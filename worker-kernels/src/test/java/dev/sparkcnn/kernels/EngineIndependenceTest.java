package dev.sparkcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The two engines do not depend on each other, and the engine-neutral packages on neither: a scan of
 * every main source file's text (imports and fully qualified names alike) for the packages it must
 * not name.
 */
class EngineIndependenceTest {

    private static final Path MAIN = Path.of("src/main/java/dev/sparkcnn/kernels");

    @Test
    void nativeEngineNamesNeitherTheDl4jEngineNorDl4j() throws IOException {
        assertEquals(List.of(), offenders("nativeengine", "dev.sparkcnn.kernels.dl4j", "org.deeplearning4j"));
    }

    @Test
    void dl4jEngineDoesNotNameTheNativeEngine() throws IOException {
        assertEquals(List.of(), offenders("dl4j", "dev.sparkcnn.kernels.nativeengine"));
    }

    @Test
    void definitionsAndOptimizersNameNoEngine() throws IOException {
        for (String pkg : List.of("model", "optim")) {
            assertEquals(List.of(), offenders(pkg, "dev.sparkcnn.kernels.dl4j", "dev.sparkcnn.kernels.nativeengine",
                    "org.deeplearning4j"), pkg);
        }
    }

    @Test
    void theScanSeesAViolation() throws IOException {
        // NetworkFactory registers both engines, so a scan of the seam for them must find it.
        assertTrue(offendersIn(MAIN, false, "dev.sparkcnn.kernels.nativeengine").contains("NetworkFactory.java"));
    }

    private static List<String> offenders(String pkg, String... forbidden) throws IOException {
        Path dir = MAIN.resolve(pkg);
        assertTrue(Files.isDirectory(dir), dir.toAbsolutePath() + " is not a directory");
        return offendersIn(dir, true, forbidden);
    }

    private static List<String> offendersIn(Path dir, boolean recursive, String... forbidden) throws IOException {
        List<String> found = new ArrayList<>();
        int files = 0;
        try (Stream<Path> paths = recursive ? Files.walk(dir) : Files.list(dir)) {
            for (Path p : (Iterable<Path>) paths.filter(f -> f.toString().endsWith(".java"))::iterator) {
                files++;
                String text = Files.readString(p);
                for (String name : forbidden) {
                    if (text.contains(name + ".")) {
                        found.add(p.getFileName().toString());
                    }
                }
            }
        }
        assertTrue(files > 0, "no sources under " + dir.toAbsolutePath());
        return found;
    }
}
