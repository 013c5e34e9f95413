package dev.sparkcnn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real standalone cluster on this machine, started by {@code bin/sparkcnn-cluster} (master +
 * 2 worker JVMs x 1 core, secret, encryption), the application jar submitted to it by
 * {@code spark-submit} as a user would, and a client without the secret turned away.
 *
 * <p>The client without the secret is started right after the cluster: Spark's standalone
 * client tries a master three times, 20 s apart, before it gives up, and that minute overlaps
 * the training runs instead of adding to them.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    private static final Path WORK = Checkout.HOME.resolve("cluster/target/it");
    private static final Path STATE = WORK.resolve("cluster");
    private static final Path DATA = WORK.resolve("data");
    private static final Map<String, String> ENV = Map.of("SPARKCNN_CLUSTER_STATE", STATE.toString());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Process intruder;
    private static int acceptedApps;
    /** Held-out accuracy of each strategy's undisturbed run, for the executor-loss runs to match. */
    private static final Map<String, Double> UNDISTURBED = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void startCluster() throws Exception {
        if (Files.exists(STATE)) { // a cluster an interrupted run left behind
            Processes.run(List.of(script(), "stop"), ENV, Files.createTempFile("cluster-stop", ".log"),
                    Duration.ofSeconds(60));
        }
        deleteRecursively(WORK);
        Files.createDirectories(WORK);
        assertEquals(0, Processes.run(List.of(sparkcnn(), "data", "generate", "--out", DATA.toString(),
                "--train-files", "2", "--records-per-file", "2000", "--test-records", "500"), Map.of(),
                WORK.resolve("data-generate.log"), Duration.ofSeconds(60)));
        long t0 = System.nanoTime();
        Path log = WORK.resolve("cluster-start.log");
        int code = Processes.run(List.of(script(), "start", "--workers", "2", "--cores", "1", "--memory", "2g"), ENV,
                log, Duration.ofSeconds(120));
        assertEquals(0, code, () -> "cluster start failed:\n" + tailOf(log));
        System.out.printf("cluster: master + 2 workers up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        intruder = Processes.start(submitWithoutSecret(), Map.of("SPARK_HOME", Checkout.SPARK_JARS.getParent()
                        .toString(), "SPARK_SCALA_VERSION", "2.12", "SPARK_LOCAL_IP", "127.0.0.1"),
                WORK.resolve("intruder.log"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (intruder != null && intruder.isAlive()) {
            intruder.descendants().forEach(ProcessHandle::destroyForcibly);
            intruder.destroyForcibly();
        }
        List<Long> daemons = new ArrayList<>();
        for (String daemon : List.of("master", "worker-1", "worker-2")) {
            Path pidFile = STATE.resolve(daemon + ".pid");
            if (Files.exists(pidFile)) {
                daemons.add(Long.parseLong(Files.readString(pidFile).trim()));
            }
        }
        Path log = WORK.resolve("cluster-stop.log");
        assertEquals(0, Processes.run(List.of(script(), "stop"), ENV, log, Duration.ofSeconds(60)), () -> tailOf(log));
        for (long pid : daemons) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " survived stop");
        }
    }

    @Order(0)
    @Test
    void statusNamesTheMasterAndBothWorkers() throws Exception {
        Path log = WORK.resolve("cluster-status.log");
        assertEquals(0, Processes.run(List.of(script(), "status"), ENV, log, Duration.ofSeconds(30)));
        String status = Files.readString(log);
        String master = Files.readString(STATE.resolve("master.url")).trim();
        assertTrue(status.contains(master) && status.contains("worker-1 pid") && status.contains("worker-2 pid")
                && status.contains("127.0.0.1:"), status);
    }

    /** Every training strategy, submitted as the application jar to the two worker JVMs. */
    @Order(1)
    @ParameterizedTest
    @ValueSource(strings = {"parameter-averaging", "gradient-sharing"})
    void trainsWithTheApplicationJarOnTwoWorkerJvms(String strategy) throws Exception {
        Path out = WORK.resolve("model-" + strategy);
        Path log = WORK.resolve("submit-" + strategy + ".log");
        long t0 = System.nanoTime();
        List<String> command = new java.util.ArrayList<>(List.of(script(), "submit", "--", "train", "--data",
                DATA.toString(), "--model", "cifar-cnn", "--strategy", strategy, "--partitions", "2", "--epochs", "2",
                "--out", out.toString()));
        command.addAll(strategyOptions(strategy));
        if ("gradient-sharing".equals(strategy)) {
            command.add("--verify-replicas"); // the replicas in the two worker JVMs must stay identical
        }
        int code = Processes.run(command, ENV, log, Duration.ofSeconds(180));
        assertEquals(0, code, () -> "spark-submit failed:\n" + tailOf(log));
        acceptedApps++;
        System.out.printf("cluster: %s submitted and finished in %.1f s%n", strategy, (System.nanoTime() - t0) / 1e9);

        try (Stream<Path> files = Files.list(out)) {
            assertEquals(Set.of("model.json", "state.bin", "config.json", "metrics.json", "report.html", "report"),
                    files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
        assertEquals(strategy, JSON.readTree(out.resolve("config.json").toFile()).get("strategy").asText());
        JsonNode metrics = JSON.readTree(out.resolve("metrics.json").toFile());
        double accuracy = metrics.get("testAccuracy").asDouble();
        assertTrue(accuracy >= 0.9, strategy + ": held-out accuracy " + accuracy + " on the generated set");
        UNDISTURBED.put(strategy, accuracy);
        // both worker JVMs ran tasks of this application: each one's newest executor loaded the engine
        for (String worker : List.of("worker-1", "worker-2")) {
            String stderr = Files.readString(newestExecutorDir(STATE.resolve(worker)).resolve("stderr"));
            assertTrue(stderr.contains("engine native"), worker + "'s executor ran no training task");
        }
    }

    /**
     * Issue 6's executor loss: the same submission as the undisturbed run, but one executor JVM is
     * killed (SIGKILL, by pid) mid-training. Spark retries the lost tasks (parameter averaging) or
     * the whole barrier stage (gradient sharing) once the worker has started a new executor; the
     * run must finish with the undisturbed run's accuracy (within 1 point).
     */
    @Order(2)
    @ParameterizedTest
    @ValueSource(strings = {"parameter-averaging", "gradient-sharing"})
    void survivesTheLossOfAnExecutorJvm(String strategy) throws Exception {
        Double undisturbed = UNDISTURBED.get(strategy);
        assertTrue(undisturbed != null, "the undisturbed " + strategy + " run comes first");
        Path out = WORK.resolve("model-killed-" + strategy);
        Path log = WORK.resolve("submit-killed-" + strategy + ".log");
        List<String> command = new ArrayList<>(List.of(script(), "submit", "--", "train", "--data", DATA.toString(),
                "--model", "cifar-cnn", "--strategy", strategy, "--partitions", "2", "--epochs", "2", "--no-report",
                "--out", out.toString()));
        command.addAll(strategyOptions(strategy));
        Process submit = Processes.start(command, ENV, log);
        // mid-training: parameter averaging has 10 rounds here, gradient sharing 2 (one per epoch)
        String progress = "parameter-averaging".equals(strategy) ? "round 3/10" : "round 1/2";
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (!(Files.exists(log) && Files.readString(log).contains(progress))) {
            assertTrue(submit.isAlive(), () -> "the run ended before '" + progress + "':\n" + tailOf(log));
            assertTrue(System.nanoTime() < deadline, () -> "no '" + progress + "' in time:\n" + tailOf(log));
            Thread.sleep(100);
        }
        ProcessHandle executor = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend")).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no executor JVM running"));
        assertTrue(executor.destroyForcibly(), "kill executor " + executor.pid());
        System.out.printf("cluster: %s: killed executor pid %d at '%s'%n", strategy, executor.pid(), progress);

        int code = Processes.await(submit, Duration.ofSeconds(300), log);
        assertEquals(0, code, () -> "the run did not survive the executor loss:\n" + tailOf(log));
        acceptedApps++;
        assertTrue(Files.readString(log).contains("Lost executor"), "Spark noticed the lost executor");
        double accuracy = JSON.readTree(out.resolve("metrics.json").toFile()).get("testAccuracy").asDouble();
        System.out.printf("cluster: %s with a killed executor: held-out accuracy %.4f (undisturbed %.4f)%n",
                strategy, accuracy, undisturbed);
        assertTrue(Math.abs(accuracy - undisturbed) <= 0.01, strategy + ": accuracy " + accuracy
                + " after losing an executor, " + undisturbed + " undisturbed");
    }

    @Order(3)
    @Test
    void turnsAwayASubmissionWithoutTheSecret() throws Exception {
        Path log = WORK.resolve("intruder.log");
        int code = Processes.await(intruder, Duration.ofSeconds(150), log);
        String printed = Files.readString(log);
        assertNotEquals(0, code, "a client without the secret ran on the cluster:\n" + tailOf(log));
        assertTrue(printed.contains("Expected SaslMessage"), () -> "not refused by authentication:\n" + tailOf(log));
        assertFalse(Files.exists(WORK.resolve("model-intruder")));
        long registered = Files.readAllLines(STATE.resolve("master.log")).stream()
                .filter(l -> l.contains("Registering app")).count();
        assertEquals(acceptedApps, registered, "the master registered an application it should have refused");
    }

    @Order(4)
    @Test
    void keepsTheSecretInAPrivateFileOnly() throws Exception {
        Path conf = STATE.resolve("spark.conf");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
        List<String> lines = Files.readAllLines(conf);
        for (String setting : List.of("spark.authenticate true", "spark.network.crypto.enabled true",
                "spark.io.encryption.enabled true")) {
            assertTrue(lines.contains(setting), setting);
        }
        String secret = lines.stream().filter(l -> l.startsWith("spark.authenticate.secret ")).findFirst()
                .orElseThrow().split(" ")[1];
        assertTrue(secret.matches("[0-9a-f]{64}"), "a 256-bit random secret");
        for (String daemon : List.of("master", "worker-1", "worker-2")) {
            long pid = Long.parseLong(Files.readString(STATE.resolve(daemon + ".pid")).trim());
            String commandLine = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8);
            assertTrue(commandLine.contains("--properties-file"), daemon + " is not the recorded JVM");
            assertFalse(commandLine.contains(secret), daemon + "'s command line shows the secret");
        }
    }

    /**
     * Gradient sharing with batch 32 per task: a global batch of 64, as one process would train.
     * With 64 per task it takes half as many steps in these two short epochs, and measured 0.8775.
     */
    private static List<String> strategyOptions(String strategy) {
        return "gradient-sharing".equals(strategy) ? List.of("--batch-size", "32") : List.of();
    }

    /** A plain spark-submit that knows the master's address but not the secret. */
    private static List<String> submitWithoutSecret() throws IOException {
        String master = Files.readString(STATE.resolve("master.url")).trim();
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.add("@" + Checkout.LAUNCHER.resolve("jvm.options"));
        cmd.addAll(List.of("-Xmx1g", "-cp", Checkout.SPARK_JARS + "/*", "org.apache.spark.deploy.SparkSubmit",
                "--master", master, "--class", "dev.sparkcnn.driver.Main", Checkout.APP_JAR.toString(), "train",
                "--data", DATA.toString(), "--epochs", "1", "--out", WORK.resolve("model-intruder").toString()));
        return cmd;
    }

    private static Path newestExecutorDir(Path workerDir) throws IOException {
        try (Stream<Path> apps = Files.list(workerDir)) {
            Path app = apps.filter(p -> p.getFileName().toString().startsWith("app-"))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
            try (Stream<Path> executors = Files.list(app)) {
                return executors.filter(Files::isDirectory).findFirst().orElseThrow();
            }
        }
    }

    private static String script() {
        return Checkout.HOME.resolve("bin/sparkcnn-cluster").toString();
    }

    private static String sparkcnn() {
        return Checkout.HOME.resolve("bin/sparkcnn").toString();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String tailOf(Path log) {
        try {
            return Processes.tail(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
