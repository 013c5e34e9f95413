package dev.sparkcnn.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16's chaos test: a synchronous run on {@code local-cluster} (two executor JVMs) while a
 * {@link HostileClient} keeps connecting to the driver's rendezvous port and to the executors'
 * ring ports (learnt from the driver's and the executors' logs, as an operator would) must end
 * with the same parameters, bit for bit, as the same run undisturbed, and every kind of hostile
 * connection must be logged with its address.
 */
@Tag("cluster")
class ChaosIT {
    private static final Path WORK = Checkout.HOME.resolve("cluster/target/chaos");
    private static final Path DATA = WORK.resolve("data");
    private static final Path EXECUTOR_WORK = Checkout.HOME.resolve("deploy/target/spark-home/work");
    private static final Pattern RENDEZVOUS = Pattern.compile("rendezvous: listening on [^:\\s]*:(\\d+)");
    private static final Pattern RING = Pattern.compile("ring: round \\d+ attempt \\d+: rank \\d+ of \\d+ accepts on "
            + "[^:\\s]*:(\\d+)");

    @BeforeAll
    static void generateData() throws Exception {
        Files.createDirectories(WORK);
        assertEquals(0, Processes.run(List.of(sparkcnn(), "data", "generate", "--out", DATA.toString(), "--overwrite",
                        "--train-files", "2", "--records-per-file", "400", "--test-records", "100"), Map.of(),
                WORK.resolve("data-generate.log"), Duration.ofSeconds(60)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gradient-sharing", "allreduce-averaging"})
    void hostileConnectionsChangeNoBitOfTheResultAndAreLogged(String strategy) throws Exception {
        Path calm = train(strategy, "calm", null);

        Set<Path> before = appDirs();
        Path log = WORK.resolve("train-" + strategy + "-hostile.log");
        Files.deleteIfExists(log);
        List<HostileClient.Attack> attacks;
        Path hostile;
        try (HostileClient client = new HostileClient(() -> ports(log, before), 100)) {
            hostile = train(strategy, "hostile", log);
            attacks = client.attacks();
        }
        assertArrayEquals(params(calm), params(hostile), strategy + ": the parameters differ from the undisturbed run's");

        String driverLog = Files.readString(log);
        int rendezvous = firstPort(RENDEZVOUS, driverLog);
        String executorLogs = executorLogs(before);
        EnumSet<HostileClient.Behaviour> loggedAtRendezvous = EnumSet.noneOf(HostileClient.Behaviour.class);
        int rendezvousAttacks = 0;
        int ringAttacks = 0;
        int ringLogged = 0;
        for (HostileClient.Attack a : attacks) {
            String line = "refused a connection from " + a.local();
            if (a.port() == rendezvous) {
                rendezvousAttacks++;
                if (driverLog.contains(line)) {
                    loggedAtRendezvous.add(a.behaviour());
                }
            } else {
                ringAttacks++;
                ringLogged += executorLogs.contains(line) ? 1 : 0;
            }
        }
        System.out.printf("chaos: %s: %d hostile connections to the rendezvous port (logged kinds %s), %d to ring "
                + "ports (%d logged); parameters identical%n", strategy, rendezvousAttacks, loggedAtRendezvous,
                ringAttacks, ringLogged);
        assertEquals(EnumSet.allOf(HostileClient.Behaviour.class), loggedAtRendezvous,
                "every kind of hostile connection to the rendezvous port is logged with its address");
        assertTrue(ringLogged > 0, ringAttacks + " hostile connections to ring ports, none logged with its address");
    }

    /** Trains with two executor JVMs; returns the model directory. */
    private static Path train(String strategy, String label, Path log) throws Exception {
        Path out = WORK.resolve("model-" + strategy + "-" + label);
        Path logFile = log != null ? log : WORK.resolve("train-" + strategy + "-" + label + ".log");
        List<String> command = List.of(sparkcnn(), "train", "--data", DATA.toString(), "--model", "simple-cnn",
                "--strategy", strategy, "--master", "local-cluster[2,1,1024]", "--partitions", "2", "--epochs", "2",
                "--seed", "5", "--no-report", "--overwrite", "--out", out.toString());
        int code = Processes.run(command, Map.of(), logFile, Duration.ofSeconds(600));
        assertEquals(0, code, () -> strategy + " (" + label + ") failed:\n" + tail(logFile));
        return out;
    }

    /** The parameters in a model directory's state.bin (see StateFile: after a 28-byte header). */
    private static byte[] params(Path modelDir) throws IOException {
        byte[] state = Files.readAllBytes(modelDir.resolve("state.bin"));
        int count = ByteBuffer.wrap(state).getInt(12);
        return Arrays.copyOfRange(state, 28, 28 + 4 * count);
    }

    /** The rendezvous port from the driver's log and the ring ports from the run's executor logs. */
    private static List<Integer> ports(Path driverLog, Set<Path> oldApps) {
        List<Integer> ports = new ArrayList<>();
        try {
            if (Files.exists(driverLog)) {
                Matcher m = RENDEZVOUS.matcher(Files.readString(driverLog));
                if (m.find()) {
                    ports.add(Integer.parseInt(m.group(1)));
                }
            }
            Matcher m = RING.matcher(executorLogs(oldApps));
            while (m.find()) {
                ports.add(Integer.parseInt(m.group(1)));
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // a log being written or rotated: try again next time
        }
        return ports.stream().distinct().toList();
    }

    private static int firstPort(Pattern pattern, String log) {
        Matcher m = pattern.matcher(log);
        assertTrue(m.find(), "no '" + pattern + "' in the log");
        return Integer.parseInt(m.group(1));
    }

    private static Set<Path> appDirs() throws IOException {
        if (!Files.isDirectory(EXECUTOR_WORK)) {
            return Set.of();
        }
        try (Stream<Path> apps = Files.list(EXECUTOR_WORK)) {
            return apps.collect(Collectors.toSet());
        }
    }

    /** Every executor stderr of the applications started since {@code oldApps} was taken. */
    private static String executorLogs(Set<Path> oldApps) throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path app : appDirs()) {
            if (oldApps.contains(app)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(app)) {
                for (Path f : files.filter(p -> p.getFileName().toString().equals("stderr"))
                        .sorted(Comparator.naturalOrder()).toList()) {
                    all.append(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            }
        }
        return all.toString();
    }

    private static String sparkcnn() {
        return Checkout.HOME.resolve("bin/sparkcnn").toString();
    }

    private static String tail(Path log) {
        try {
            return Processes.tail(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
