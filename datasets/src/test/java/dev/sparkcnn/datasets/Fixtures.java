package dev.sparkcnn.datasets;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the checked-in fixture files made by {@link CorruptFixtures} from the test classpath. */
final class Fixtures {
    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test fixture fixtures/" + name
                        + "; regenerate with: java datasets/src/test/java/dev/sparkcnn/datasets/CorruptFixtures.java");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InputStream stream(String name) {
        return new ByteArrayInputStream(bytes(name));
    }
}
