package dev.sparkcnn.driver.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The temporary file of a written picture is never opened through a link planted under a guessable name. */
class PicturesTempFileTest {
    @TempDir
    Path tmp;

    @Test
    void aLinkAtTheOldPredictableTemporaryNameIsNotFollowed() throws Exception {
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "precious");
        Path out = tmp.resolve("p.png");
        // the name the writer used to take: .<file>.tmp-<pid>
        Files.createSymbolicLink(tmp.resolve(".p.png.tmp-" + ProcessHandle.current().pid()), victim);
        Pictures.writePng(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), out, "--show");
        assertEquals("precious", Files.readString(victim));
        assertTrue(Files.size(out) > 0 && !Files.isSymbolicLink(out));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(3, left.count(), "the picture, the victim and the planted link; no temporary");
        }
    }
}
