package dev.sparkcnn.kernels.sync;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret a training run's driver and replicas share: drawn by the driver once per run and
 * shipped to the tasks in their closure (which Spark's RPC encryption protects when it is on).
 * Every key the rendezvous and the ring use is derived from it with HKDF-SHA256 (RFC 5869), one
 * per purpose, so the secret itself never travels over those connections.
 *
 * <p>{@link #encrypted()} says whether the ring's traffic is encrypted (AES-GCM) as well as
 * authenticated; the driver turns it on whenever Spark's own network encryption or authentication is.
 */
public final class RunSecret implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int BYTES = 32;

    private final byte[] key;
    private final boolean encrypted;

    private RunSecret(byte[] key, boolean encrypted) {
        this.key = key;
        this.encrypted = encrypted;
    }

    /** A fresh random secret. */
    public static RunSecret generate(boolean encrypted) {
        byte[] key = new byte[BYTES];
        RANDOM.nextBytes(key);
        return new RunSecret(key, encrypted);
    }

    /** A secret with the given bytes (tests; two processes that must agree). */
    public static RunSecret of(byte[] key, boolean encrypted) {
        if (key.length != BYTES) {
            throw new IllegalArgumentException("a run secret has " + BYTES + " bytes, got " + key.length);
        }
        return new RunSecret(key.clone(), encrypted);
    }

    /** Whether ring traffic is encrypted (AES-GCM), not only authenticated. */
    public boolean encrypted() {
        return encrypted;
    }

    /** The same secret with encryption switched as given. */
    public RunSecret withEncryption(boolean on) {
        return new RunSecret(key, on);
    }

    /**
     * A 32-byte key for one purpose: HKDF-SHA256 with {@code salt} (empty: zeros) and the purpose
     * as the info string.
     */
    byte[] derive(String purpose, byte[] salt) {
        byte[] prk = hmac(salt.length == 0 ? new byte[BYTES] : salt, key);
        byte[] info = purpose.getBytes(StandardCharsets.UTF_8);
        return hmac(prk, info, new byte[]{1}); // T(1) of HKDF-Expand: 32 bytes are all we need
    }

    /** HMAC-SHA256 of the concatenated parts. */
    static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** Never shows the secret (closures and configurations get logged). */
    @Override
    public String toString() {
        return "RunSecret[encrypted=" + encrypted + "]";
    }
}
