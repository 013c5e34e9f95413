package dev.sparkcnn.driver.spark;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the Spark context of a sparkcnn command with the settings every run needs. User
 * settings ({@code --conf}, {@code spark-submit --conf}) win over these defaults.
 *
 * <p>Spark's default Java serialization is kept on purpose: what crosses the wire is a few large
 * float/double arrays per task (bulk-copied either way), and Kryo 4 cannot serialize Java records.
 */
public final class SparkRuntime {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");

    private SparkRuntime() {
    }

    public static JavaSparkContext start(String appName, String master, Map<String, String> userConf) {
        SparkConf conf = new SparkConf()
                .setAppName(appName)
                .setIfMissing("spark.master", master)
                .setIfMissing("spark.driver.maxResultSize", "2g")
                // a task's result is a model state (MBs): send it with the status update instead of
                // through the block manager (an extra round trip per task per round above 1 MB)
                .setIfMissing("spark.task.maxDirectResultSize", "64m")
                .setIfMissing("spark.ui.showConsoleProgress", "false")
                // gradient sharing's barrier stages: while executors are still registering, check
                // for free slots every second (Spark's default waits 15 s between checks)
                .setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s")
                .setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "120");
        if (conf.get("spark.master").startsWith("local")) {
            // a laptop or CI box: keep everything on loopback (not under spark-submit to a cluster,
            // whose master wins over --master: executors elsewhere must reach the driver)
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        userConf.forEach(conf::set);
        keepUiOnDriverHost(conf, System.getenv("SPARK_LOCAL_IP"));
        // libnd4j sizes its thread pool from OMP_NUM_THREADS when it loads: give executor JVMs the
        // per-task count (tasks also set their OpenMP threads themselves, see NativeRuntime).
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", conf.get("spark.task.cpus", "1"));
        conf.setIfMissing("spark.executorEnv.MALLOC_ARENA_MAX", "1");
        // transparent huge pages for malloc'd buffers (glibc 2.35+): see bin/sparkcnn
        conf.setIfMissing("spark.executorEnv.GLIBC_TUNABLES", "glibc.malloc.hugetlb=1");
        return new JavaSparkContext(conf);
    }

    /**
     * Keeps the driver's web UI off every interface but the driver's own. Spark 3.5 binds the UI to
     * the {@code SPARK_LOCAL_IP} environment variable or, without it, to all interfaces (0.0.0.0):
     * no configuration key moves it, so a driver started under {@code spark-submit} in local mode,
     * or embedded, would serve its UI to the whole network. Without {@code SPARK_LOCAL_IP} the UI is
     * therefore turned off unless {@code spark.ui.enabled} was set explicitly ({@code bin/sparkcnn}
     * sets {@code SPARK_LOCAL_IP=127.0.0.1} for local masters, so its UI stays on, on loopback).
     *
     * @return true when the UI was turned off here
     */
    static boolean keepUiOnDriverHost(SparkConf conf, String sparkLocalIp) {
        if ((sparkLocalIp == null || sparkLocalIp.isBlank()) && !conf.contains("spark.ui.enabled")) {
            conf.set("spark.ui.enabled", "false");
            LOG.info("Spark UI off: without SPARK_LOCAL_IP, Spark binds it to all interfaces; set SPARK_LOCAL_IP to "
                    + "the driver's address, or --conf spark.ui.enabled=true to serve it on every interface anyway");
            return true;
        }
        return false;
    }

    /** Cores each task owns ({@code spark.task.cpus}). */
    public static int taskCpus(JavaSparkContext sc) {
        return sc.getConf().getInt("spark.task.cpus", 1);
    }

    /**
     * Task slots a local master offers ({@code local}, {@code local[N]}, {@code local[*]},
     * {@code local[N,F]}, {@code local-cluster[E,C,M]}: executors x cores); -1 for other masters,
     * whose slots are known only once executors register.
     */
    public static int localSlots(String master) {
        java.util.regex.Matcher m;
        if ("local".equals(master)) {
            return 1;
        }
        if ((m = java.util.regex.Pattern.compile("local\\[(\\*|\\d+)(,\\d+)?]").matcher(master)).matches()) {
            return "*".equals(m.group(1)) ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
        }
        if ((m = java.util.regex.Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,.*]").matcher(master))
                .matches()) {
            return Integer.parseInt(m.group(1)) * Integer.parseInt(m.group(2));
        }
        return -1;
    }

    /**
     * The Hadoop configuration the driver uses before Spark starts (preflight: listing the data,
     * checking --out), with the same {@code spark.hadoop.*} settings Spark will apply: from
     * {@code --conf} and from system properties (where spark-submit puts its {@code --conf}s).
     * Without them, credentials or file system implementations given that way would be missing.
     */
    public static org.apache.hadoop.conf.Configuration hadoopConfiguration(Map<String, String> userConf) {
        org.apache.hadoop.conf.Configuration hadoop = new org.apache.hadoop.conf.Configuration();
        String prefix = "spark.hadoop.";
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(prefix))
                .forEach(k -> hadoop.set(k.substring(prefix.length()), System.getProperty(k)));
        userConf.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                hadoop.set(k.substring(prefix.length()), v);
            }
        });
        return hadoop;
    }
}
