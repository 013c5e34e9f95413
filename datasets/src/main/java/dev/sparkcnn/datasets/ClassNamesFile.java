package dev.sparkcnn.datasets;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The CIFAR meta files' shape, shared by CIFAR-10 and CIFAR-100: one class name per non-blank line.
 * Sizes are bounded before anything is kept: at most {@value #MAX_BYTES} bytes are read, at most
 * {@value #MAX_CLASSES} names (labels are one byte) of at most {@value #MAX_NAME_CHARS} characters.
 */
final class ClassNamesFile {
    static final int MAX_BYTES = 64 * 1024;
    static final int MAX_CLASSES = 256;
    static final int MAX_NAME_CHARS = 100;

    private ClassNamesFile() {
    }

    /**
     * @param remedy what the user should do when the file holds fewer than 2 names
     * @throws InvalidDataException if the file is too long, holds too many or too few names, or a name
     *                              that is too long
     */
    static List<String> read(InputStream in, String fileName, String remedy) {
        byte[] bytes;
        try {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(fileName + ": read failed: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new InvalidDataException(fileName + ": file length is more than " + MAX_BYTES + " bytes, far more "
                    + "than " + MAX_CLASSES + " class names need; " + remedy);
        }
        List<String> names = new ArrayList<>();
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes),
                    StandardCharsets.UTF_8));
            int line = 0;
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                line++;
                String name = text.strip();
                if (name.isEmpty()) {
                    continue;
                }
                if (name.length() > MAX_NAME_CHARS) {
                    throw new InvalidDataException(fileName + ": the class name on line " + line + " is "
                            + name.length() + " characters long, more than " + MAX_NAME_CHARS + "; " + remedy);
                }
                if (names.size() == MAX_CLASSES) {
                    throw new InvalidDataException(fileName + ": class-name count is more than " + MAX_CLASSES
                            + " (a label is one byte); " + remedy);
                }
                names.add(name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(fileName + ": read failed: " + e.getMessage(), e);
        }
        if (names.size() < 2) {
            throw new InvalidDataException(fileName + ": found " + names.size() + " class name(s) " + names
                    + ", expected one per line and at least 2; " + remedy);
        }
        return List.copyOf(names);
    }
}
