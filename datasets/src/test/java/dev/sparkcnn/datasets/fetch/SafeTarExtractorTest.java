package dev.sparkcnn.datasets.fetch;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.InvalidDataException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the tar.gz fuzz test found: entries that clash failed with a bare I/O error. */
class SafeTarExtractorTest {
    @TempDir
    Path tmp;

    private InvalidDataException extract(byte[] archive) throws Exception {
        Path file = Files.write(tmp.resolve("a.tar.gz"), archive);
        Path into = Files.createDirectories(tmp.resolve("out"));
        return assertThrows(InvalidDataException.class, () -> SafeTarExtractor.extract(file, into));
    }

    @Test
    void aFileNamedLikeAnEarlierDirectoryIsRefusedClearly() throws Exception {
        // good/a.txt creates the directory good; then a file "good" (was: FileSystemException "Is a directory")
        InvalidDataException e = extract(FixtureArchives.withEntry(FixtureArchives.file("good", 3)));
        assertTrue(e.getMessage().contains("refusing archive entry 'good': it clashes with an earlier entry"),
                e.getMessage());
    }

    @Test
    void anEntryInsideAnEarlierFileIsRefusedClearly() throws Exception {
        // good/a.txt is a file; then good/a.txt/b needs it as a directory (was: FileAlreadyExistsException)
        InvalidDataException e = extract(FixtureArchives.withEntry(FixtureArchives.file("good/a.txt/b", 1)));
        assertTrue(e.getMessage().contains("refusing archive entry 'good/a.txt/b': it clashes with an earlier entry"),
                e.getMessage());
    }
}
