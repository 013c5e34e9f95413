package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The checked-in fixtures are exactly what {@link CorruptFixtures} makes: neither drifted alone. */
class FixturesTest {

    @Test
    void checkedInFixturesMatchTheirGenerator() throws IOException {
        for (Map.Entry<String, byte[]> fixture : CorruptFixtures.all().entrySet()) {
            String name = fixture.getKey();
            byte[] expected = fixture.getValue();
            byte[] actual = Fixtures.bytes(name);
            if (name.endsWith(".gz")) {
                // compressed bytes may differ between zlib builds; the content may not
                expected = gunzip(expected);
                actual = gunzip(actual);
            }
            assertArrayEquals(expected, actual, name + " differs from CorruptFixtures; regenerate with"
                    + " java datasets/src/test/java/dev/sparkcnn/datasets/CorruptFixtures.java");
        }
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }
}
