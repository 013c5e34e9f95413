package dev.sparkcnn.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The CIFAR meta files' shape, shared by CIFAR-10 and CIFAR-100: one class name per non-blank line. */
final class ClassNamesFile {
    private ClassNamesFile() {
    }

    /**
     * @param remedy what the user should do when the file holds fewer than 2 names
     */
    static List<String> read(InputStream in, String fileName, String remedy) {
        List<String> names = new ArrayList<>();
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String name = line.strip();
                if (!name.isEmpty()) {
                    names.add(name);
                }
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
