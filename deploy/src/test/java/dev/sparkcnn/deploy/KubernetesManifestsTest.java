package dev.sparkcnn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * The Kubernetes manifests and the Dockerfile cannot be run here; this reads them with a YAML
 * parser and checks what would make them fail on a cluster: a main class or jar path the image
 * does not have, arguments the CLI rejects, a Spark version other than the build's, an invalid
 * schedule, and missing security or off-heap memory settings.
 */
class KubernetesManifestsTest {
    private static final Path K8S = Path.of("k8s");

    @Test
    void trainingApplicationRunsTheJarTheImageHolds() throws IOException {
        Map<String, Object> app = load("sparkcnn-train.yaml");
        assertEquals("sparkoperator.k8s.io/v1beta2", app.get("apiVersion"));
        assertEquals("SparkApplication", app.get("kind"));
        checkSpec(map(app, "spec"), "train", List.of("--data", "--out"));
    }

    @Test
    void nightlyRetrainingIsAValidScheduleOfTheSameApplication() throws IOException {
        Map<String, Object> scheduled = load("sparkcnn-nightly.yaml");
        assertEquals("sparkoperator.k8s.io/v1beta2", scheduled.get("apiVersion"));
        assertEquals("ScheduledSparkApplication", scheduled.get("kind"));
        Map<String, Object> spec = map(scheduled, "spec");
        String schedule = (String) spec.get("schedule");
        // five cron fields, each a number, range, list, step or '*'
        assertTrue(schedule.matches("([0-9*/,-]+\\s+){4}[0-9*/,-]+"), schedule);
        assertEquals("Forbid", spec.get("concurrencyPolicy"), "a night still running when the next starts would "
                + "only be kept out by the registry: do not start it");
        Map<String, Object> template = map(spec, "template");
        checkSpec(template, "retrain", List.of("--registry", "--name", "--data"));
        Map<String, Object> once = map(load("sparkcnn-train.yaml"), "spec");
        for (String key : List.of("image", "mainClass", "mainApplicationFile", "sparkVersion", "sparkConf", "driver",
                "executor", "volumes")) {
            assertEquals(once.get(key), template.get(key), key + " differs between the two manifests");
        }
        assertTrue(!args(template).contains("--overwrite") && !args(template).contains("--out"),
                "nightly runs add registry versions; the champion changes only when the challenger is better");
    }

    @Test
    void dockerfileBuildsOnTheOfficialSparkImageOfTheBuildsVersion() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertEquals(System.getProperty("spark.version"), group(dockerfile, "ARG SPARK_VERSION=(\\S+)"));
        assertEquals("apache/spark:${SPARK_VERSION}-java17", group(dockerfile, "FROM (\\S+)"));
        assertEquals("/opt/sparkcnn/sparkcnn-app.jar", group(dockerfile, "COPY .*target/sparkcnn-app.jar (\\S+)"));
        assertTrue(Files.readString(Path.of(".dockerignore")).contains("!target/sparkcnn-app.jar"));
    }

    private static void checkSpec(Map<String, Object> spec, String command, List<String> required) throws IOException {
        assertEquals("Java", spec.get("type"));
        assertTrue(((String) spec.get("image")).endsWith("/sparkcnn:0.1.0"), "image: " + spec.get("image"));
        assertEquals(System.getProperty("spark.version"), spec.get("sparkVersion"));
        assertEquals(Main.class.getName(), spec.get("mainClass"));
        String jarInImage = group(Files.readString(Path.of("Dockerfile")), "COPY .*target/sparkcnn-app.jar (\\S+)");
        assertEquals("local://" + jarInImage, spec.get("mainApplicationFile"));

        // the CLI itself accepts the arguments (unknown options and bad numbers fail here)
        List<String> args = args(spec);
        CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
        assertEquals(command, parsed.subcommand().commandSpec().name());
        for (String option : required) {
            assertTrue(parsed.subcommand().hasMatchedOption(option), "missing " + option);
        }

        Map<String, Object> conf = map(spec, "sparkConf");
        for (String key : List.of("spark.authenticate", "spark.network.crypto.enabled", "spark.io.encryption.enabled")) {
            assertEquals("true", conf.get(key), key);
        }
        Map<String, Object> executor = map(spec, "executor");
        assertTrue(executor.containsKey("memoryOverhead"), "ND4J's off-heap buffers need executor memory overhead");
        assertEquals(conf.get("spark.task.cpus"), conf.get("spark.executorEnv.OMP_NUM_THREADS"));
    }

    @SuppressWarnings("unchecked")
    private static List<String> args(Map<String, Object> spec) {
        return (List<String>) spec.get("arguments");
    }

    private static Map<String, Object> load(String name) throws IOException {
        return new Yaml().load(Files.readString(K8S.resolve(name)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertTrue(value instanceof Map, key + " is not a mapping");
        return (Map<String, Object>) value;
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex);
        return m.group(1);
    }
}
