package dev.sparkcnn.kernels.sync;

import java.nio.ByteBuffer;

/**
 * Who may take part in one synchronous round: holders of the run's secret, registering for this
 * round and stage attempt. Bound into every handshake, so a member of an earlier round or attempt,
 * or a recording of its handshake, is refused.
 *
 * @param secret  the run's secret
 * @param round   the round number (from 0)
 * @param attempt Spark's stage attempt number (from 0)
 */
public record RoundCredentials(RunSecret secret, long round, int attempt) {

    public RoundCredentials {
        if (secret == null) {
            throw new IllegalArgumentException("secret is required");
        }
        if (round < 0 || attempt < 0) {
            throw new IllegalArgumentException("round " + round + " and attempt " + attempt + " must be >= 0");
        }
    }

    /** Round and attempt, as bound into handshakes. */
    byte[] roundBytes() {
        return ByteBuffer.allocate(Long.BYTES + Integer.BYTES).putLong(round).putInt(attempt).array();
    }
}
