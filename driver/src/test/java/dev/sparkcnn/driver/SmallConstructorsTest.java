package dev.sparkcnn.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No constructor or record in the configuration and training packages takes more than 8
 * parameters: wider settings are composed of small records or built with a builder. Checked by
 * reflection over every compiled main class of those packages (nested ones included).
 */
class SmallConstructorsTest {
    static final int MAX_PARAMETERS = 8;
    static final List<String> PACKAGES = List.of("dev.sparkcnn.driver.config", "dev.sparkcnn.driver.train");

    @Test
    void noConstructorOrRecordInConfigOrTrainTakesMoreThanEightParameters() {
        List<String> wide = new ArrayList<>();
        for (String pkg : PACKAGES) {
            List<Class<?>> classes = mainClasses(pkg);
            assertTrue(classes.size() >= 10, pkg + ": found only " + classes + "; is the scan broken?");
            for (Class<?> c : classes) {
                wide.addAll(tooWide(c));
            }
        }
        assertEquals(List.of(), wide, "constructors or records with more than " + MAX_PARAMETERS + " parameters");
    }

    @Test
    void theCheckFindsAWideConstructorAndAWideRecord() {
        assertEquals(2, tooWide(Wide.class).size(), tooWide(Wide.class).toString());
        assertEquals(List.of(), tooWide(Narrow.class));
    }

    private record Wide(int a, int b, int c, int d, int e, int f, int g, int h, int i) {
    }

    private record Narrow(int a, int b, int c, int d, int e, int f, int g, int h) {
    }

    /** The record (its components) and every declared constructor of {@code c} with too many parameters. */
    static List<String> tooWide(Class<?> c) {
        List<String> found = new ArrayList<>();
        if (c.isRecord() && c.getRecordComponents().length > MAX_PARAMETERS) {
            found.add("record " + c.getName() + " (" + c.getRecordComponents().length + " components)");
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (!k.isSynthetic() && k.getParameterCount() > MAX_PARAMETERS) {
                found.add("constructor " + k);
            }
        }
        return found;
    }

    /** The classes compiled from src/main of {@code pkg} (not the tests that share the package). */
    static List<Class<?>> mainClasses(String pkg) {
        List<Class<?>> classes = new ArrayList<>();
        try {
            for (URL url : Collections.list(SmallConstructorsTest.class.getClassLoader()
                    .getResources(pkg.replace('.', '/')))) {
                Path dir = Path.of(url.toURI());
                if (!"file".equals(url.getProtocol()) || dir.toString().contains("test-classes")) {
                    continue;
                }
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                        String name = f.getFileName().toString();
                        classes.add(Class.forName(pkg + "." + name.substring(0, name.length() - 6), false,
                                SmallConstructorsTest.class.getClassLoader()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return classes;
    }
}
