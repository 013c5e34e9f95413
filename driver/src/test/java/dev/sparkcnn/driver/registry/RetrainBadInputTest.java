package dev.sparkcnn.driver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad retrain and models input: exit 2, one message naming the option, nothing written to the registry. */
class RetrainBadInputTest {
    @TempDir
    Path tmp;

    @Test
    void badOptionsAreUsageErrorsThatLeaveNoRegistry() {
        Path data = TestData.cifar(tmp.resolve("data"), 2, 20, 10);
        expect("--name 'a/b' is not a model name", "retrain", "--name", "a/b", "--data", data.toString());
        expect("--lr-factor must be a positive number", "retrain", "--name", "m", "--data", data.toString(),
                "--lr-factor", "0");
        expect("--margin must be at least 0 and below 1", "retrain", "--name", "m", "--data", data.toString(),
                "--margin", "1");
        expect("Unknown options: '--learning-rat'", "retrain", "--name", "m", "--data", data.toString(),
                "--learning-rat", "0.1");
        expect("--epochs must be at least 1", "retrain", "--name", "m", "--data", data.toString(), "--epochs", "0");
        expect("--out is not a retrain option", "retrain", "--name", "m", "--data", data.toString(), "--out", "x");
        expect("--warm-start, --from-scratch are mutually exclusive", "retrain", "--name", "m", "--data", data.toString(),
                "--warm-start", "--from-scratch");
        expect("has no champion to roll back", "models", "rollback", "--name", "m");
        expect("has no version v2", "models", "promote", "--name", "m", "v2");
        expect("version 'latest' is not a version", "models", "show", "--name", "m", "latest");
        assertFalse(Files.exists(tmp.resolve("reg/m")), "nothing written");
    }

    private void expect(String message, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(2 - (args[0].equals("models") ? 0 : 1), List.of("--registry", tmp.resolve("reg").toString()));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(all.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream(), true),
                new PrintStream(err, true));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, printed);
        assertTrue(printed.contains(message), printed);
    }
}
