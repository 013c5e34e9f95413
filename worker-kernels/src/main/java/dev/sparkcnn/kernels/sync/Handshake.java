package dev.sparkcnn.kernels.sync;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Mutual challenge-response authentication of one connection with a key derived from the run's
 * secret; the secret itself never travels.
 *
 * <pre>
 * acceptor  -&gt; connector: MAGIC, nonceA (16 bytes, fresh)
 * connector -&gt; acceptor:  MAGIC, nonceC (16 bytes, fresh), payload length (u16), payload,
 *                         HMAC(key, "connector" | nonceA | nonceC | payload)
 * acceptor  -&gt; connector: reply length (int), reply, HMAC(key, "acceptor" | nonceC | nonceA | payload | reply)
 * </pre>
 *
 * Each side proves it holds the key over the other side's fresh nonce, so a recording of an
 * earlier handshake (another round's, or this one's) fails; the two MACs are labelled apart, so one
 * side's answer cannot be reflected as the other's. MACs are compared in constant time.
 */
final class Handshake {
    static final int MAGIC = 0x53434e48; // "SCNH"
    static final int NONCE = 16;
    static final int MAC = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] CONNECTOR = "connector".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACCEPTOR = "acceptor".getBytes(StandardCharsets.US_ASCII);

    private Handshake() {
    }

    /** A connector's request: both nonces and what it said about itself. */
    record Request(byte[] acceptorNonce, byte[] connectorNonce, byte[] payload) {
        /** Both nonces: fresh for every connection, so keys derived with them are never reused. */
        byte[] salt() {
            return ByteBuffer.allocate(2 * NONCE).put(acceptorNonce).put(connectorNonce).array();
        }
    }

    /** The peer is not a holder of the run's secret, or not speaking this protocol. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** The authentication key of one purpose ("rendezvous", "ring"). */
    static byte[] key(RunSecret secret, String purpose) {
        return secret.derive("sparkcnn handshake " + purpose, new byte[0]);
    }

    /** Acceptor, first step: sends a fresh nonce; returns it. */
    static byte[] challenge(DataOutputStream out) throws IOException {
        byte[] nonce = nonce();
        out.writeInt(MAGIC);
        out.write(nonce);
        out.flush();
        return nonce;
    }

    /**
     * Acceptor, second step: reads and verifies a request.
     *
     * @throws Refused if it is not this protocol, its payload is too long or its MAC is wrong
     */
    static Request readRequest(DataInputStream in, byte[] key, byte[] acceptorNonce, int maxPayload)
            throws IOException {
        checkMagic(in.readInt());
        byte[] connectorNonce = readExactly(in, NONCE);
        int length = in.readUnsignedShort();
        if (length > maxPayload) {
            throw new Refused("handshake payload of " + length + " bytes, at most " + maxPayload + " allowed");
        }
        byte[] payload = readExactly(in, length);
        byte[] mac = readExactly(in, MAC);
        byte[] expected = RunSecret.hmac(key, CONNECTOR, acceptorNonce, connectorNonce, lengthOf(payload), payload);
        if (!MessageDigest.isEqual(expected, mac)) {
            throw new Refused("failed authentication (not the run's secret, or a replayed handshake)");
        }
        return new Request(acceptorNonce, connectorNonce, payload);
    }

    /** Acceptor, last step: proves the key over the connector's nonce, with a reply. */
    static void reply(DataOutputStream out, byte[] key, Request request, byte[] reply) throws IOException {
        out.writeInt(reply.length);
        out.write(reply);
        out.write(acceptorMac(key, request, reply));
        out.flush();
    }

    /** Connector: reads the challenge and sends its request. */
    static Request request(DataInputStream in, DataOutputStream out, byte[] key, byte[] payload) throws IOException {
        if (payload.length > 0xffff) {
            throw new IllegalArgumentException("handshake payload of " + payload.length + " bytes");
        }
        checkMagic(in.readInt());
        byte[] acceptorNonce = readExactly(in, NONCE);
        byte[] connectorNonce = nonce();
        out.writeInt(MAGIC);
        out.write(connectorNonce);
        out.writeShort(payload.length);
        out.write(payload);
        out.write(RunSecret.hmac(key, CONNECTOR, acceptorNonce, connectorNonce, lengthOf(payload), payload));
        out.flush();
        return new Request(acceptorNonce, connectorNonce, payload);
    }

    /**
     * Connector: reads the acceptor's reply and checks its MAC.
     *
     * @throws Refused if the reply is too long or the acceptor does not hold the key
     */
    static byte[] readReply(DataInputStream in, byte[] key, Request request, int maxReply) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > maxReply) {
            throw new Refused("handshake reply of " + length + " bytes, at most " + maxReply + " allowed");
        }
        byte[] reply = readExactly(in, length);
        byte[] mac = readExactly(in, MAC);
        if (!MessageDigest.isEqual(acceptorMac(key, request, reply), mac)) {
            throw new Refused("the peer failed authentication (it does not hold the run's secret)");
        }
        return reply;
    }

    private static byte[] acceptorMac(byte[] key, Request request, byte[] reply) {
        return RunSecret.hmac(key, ACCEPTOR, request.connectorNonce(), request.acceptorNonce(),
                lengthOf(request.payload()), request.payload(), lengthOf(reply), reply);
    }

    private static void checkMagic(int magic) throws Refused {
        if (magic != MAGIC) {
            throw new Refused(String.format("not a sparkcnn handshake (it began with 0x%08x)", magic));
        }
    }

    private static byte[] readExactly(DataInputStream in, int length) throws IOException {
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    private static byte[] lengthOf(byte[] part) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(part.length).array();
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        return nonce;
    }
}
