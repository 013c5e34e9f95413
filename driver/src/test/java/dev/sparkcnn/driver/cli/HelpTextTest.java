package dev.sparkcnn.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * The {@code --help} text of every command equals its checked-in copy in
 * {@code src/test/resources/help/}, so a change to what users read is always deliberate. After a
 * deliberate change, rewrite the copies with {@code -Dsparkcnn.help.update=true} and review the diff.
 */
class HelpTextTest {

    private static final Path COPIES = Path.of("src/test/resources/help");

    @TestFactory
    Stream<DynamicTest> everyCommandsHelpEqualsItsCheckedInCopy() {
        return commandPaths().stream().map(path -> DynamicTest.dynamicTest(String.join(" ", "sparkcnn", String.join(" ", path)).trim(), () -> {
            String actual = help(path);
            Path copy = COPIES.resolve((path.isEmpty() ? "sparkcnn" : String.join("-", path)) + ".txt");
            if (Boolean.getBoolean("sparkcnn.help.update")) {
                Files.createDirectories(COPIES);
                Files.writeString(copy, actual, StandardCharsets.UTF_8);
            }
            assertTrue(Files.exists(copy), "no checked-in help text " + copy + " for a new command; "
                    + "write it with -Dsparkcnn.help.update=true and review it");
            assertEquals(Files.readString(copy, StandardCharsets.UTF_8), actual,
                    "--help of '" + String.join(" ", path) + "' changed; if on purpose, rewrite " + copy);
        }));
    }

    @Test
    void everyCheckedInCopyBelongsToACommand() throws IOException {
        List<String> expected = commandPaths().stream()
                .map(p -> (p.isEmpty() ? "sparkcnn" : String.join("-", p)) + ".txt").sorted().toList();
        try (Stream<Path> files = Files.list(COPIES)) {
            assertEquals(expected, files.map(f -> f.getFileName().toString()).sorted().toList(),
                    "a help copy without a command (remove it) or a command without a copy");
        }
    }

    /** Every command's path below {@code sparkcnn}: [], [train], [data, fetch], ... (help itself excluded). */
    private static List<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        collect(new CommandLine(new Main()), new ArrayList<>(), paths);
        return paths;
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
        paths.add(List.copyOf(path));
        command.getSubcommands().forEach((name, sub) -> {
            boolean alias = !sub.getCommandName().equals(name);
            if (!alias && !(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                collect(sub, next, paths);
            }
        });
    }

    private static String help(List<String> path) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        int status = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, "--help of " + path + " failed: " + err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
