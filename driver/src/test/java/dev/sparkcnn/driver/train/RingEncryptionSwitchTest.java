package dev.sparkcnn.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ring traffic is encrypted whenever Spark's own network encryption or authentication is on. */
class RingEncryptionSwitchTest {

    @ParameterizedTest
    @CsvSource({"false, false, false", "true, false, true", "false, true, true", "true, true, true",
            ", , false"})
    void followsSparksNetworkCryptoAndAuthenticate(String crypto, String authenticate, boolean encrypted) {
        SparkConf conf = new SparkConf(false);
        if (crypto != null) {
            conf.set("spark.network.crypto.enabled", crypto);
        }
        if (authenticate != null) {
            conf.set("spark.authenticate", authenticate);
        }
        assertEquals(encrypted, GradientSharing.runSecret(conf).encrypted());
    }
}
