package dev.sparkcnn.driver.spark;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.TestData;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** The driver's UI never listens on all interfaces unless asked to. */
@SparkTest
class SparkUiBindTest {

    @Test
    void withoutSparkLocalIpTheUiIsOffUnlessEnabledExplicitly() {
        SparkConf conf = new SparkConf();
        assertTrue(SparkRuntime.keepUiOnDriverHost(conf, null));
        assertEquals("false", conf.get("spark.ui.enabled"));

        SparkConf asked = new SparkConf().set("spark.ui.enabled", "true");
        assertFalse(SparkRuntime.keepUiOnDriverHost(asked, ""));
        assertEquals("true", asked.get("spark.ui.enabled"));

        SparkConf bound = new SparkConf();
        assertFalse(SparkRuntime.keepUiOnDriverHost(bound, "127.0.0.1"));
        assertFalse(bound.contains("spark.ui.enabled"));
    }

    /** Surefire sets SPARK_LOCAL_IP=127.0.0.1: the UI is on, bound to loopback only. */
    @Test
    void withSparkLocalIpTheUiListensThereOnly() throws Exception {
        assertEquals("127.0.0.1", System.getenv("SPARK_LOCAL_IP"), "set by the pom's surefire configuration");
        Map<String, String> conf = new HashMap<>(TestData.sparkTestConf());
        conf.remove("spark.ui.enabled");
        conf.put("spark.ui.port", "0");
        JavaSparkContext sc = SparkRuntime.start("ui-bind-test", "local[1]", conf);
        try {
            org.apache.spark.ui.SparkUI ui = sc.sc().ui().get();
            org.sparkproject.jetty.server.ServerConnector connector = (org.sparkproject.jetty.server.ServerConnector)
                    ui.serverInfo().get().server().getConnectors()[0];
            assertEquals("127.0.0.1", connector.getHost());
        } finally {
            sc.stop();
        }
    }
}
