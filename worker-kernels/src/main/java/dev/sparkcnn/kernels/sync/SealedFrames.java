package dev.sparkcnn.kernels.sync;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Messages on one ring connection: a length (int), then the bytes in records of at most
 * {@link #RECORD} bytes. With a key, every record is sealed with AES-256-GCM (16-byte tag; the
 * message length is its associated data; the 96-bit nonce is the connection's record counter, so
 * it never repeats under the connection's key, which is derived from both handshake nonces and so
 * fresh for every connection). A message has at least one record, so an empty one is sealed too.
 */
final class SealedFrames {
    static final int RECORD = 1 << 20;
    static final int TAG = 16;

    private SealedFrames() {
    }

    /** The per-connection encryption key: HKDF of the run's secret with both handshake nonces as salt. */
    static byte[] connectionKey(RunSecret secret, Handshake.Request handshake) {
        return secret.derive("sparkcnn ring aes-gcm", handshake.salt());
    }

    private static int records(int length) {
        return Math.max(1, (length + RECORD - 1) / RECORD);
    }

    private static GCMParameterSpec nonce(long counter) {
        return new GCMParameterSpec(TAG * 8, ByteBuffer.allocate(12).putInt(0).putLong(counter).array());
    }

    private static byte[] aad(int length) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(length).array();
    }

    /** The sending side; one thread at a time. */
    static final class Writer {
        private final DataOutputStream out;
        private final SecretKeySpec key;
        private final Cipher cipher;
        private final byte[] sealed;
        private long counter;
        private volatile long lastProgress = System.currentTimeMillis();

        /** @param key null: messages go in clear */
        Writer(DataOutputStream out, byte[] key) {
            this.out = out;
            this.key = key == null ? null : new SecretKeySpec(key, "AES");
            this.cipher = key == null ? null : aes();
            this.sealed = key == null ? null : new byte[RECORD + TAG];
        }

        /** Writes one message; returns the bytes it took on the wire. */
        long write(byte[] data, int length) throws IOException {
            lastProgress = System.currentTimeMillis();
            out.writeInt(length);
            long wire = Integer.BYTES;
            int records = records(length);
            for (int r = 0, offset = 0; r < records; r++) {
                int n = Math.min(RECORD, length - offset);
                if (key == null) {
                    out.write(data, offset, n);
                    wire += n;
                } else {
                    int m = seal(data, offset, n, length);
                    out.write(sealed, 0, m);
                    wire += m;
                }
                offset += n;
                lastProgress = System.currentTimeMillis();
            }
            out.flush();
            lastProgress = System.currentTimeMillis();
            return wire;
        }

        /** When the last record went out (or the message started). */
        long lastProgress() {
            return lastProgress;
        }

        private int seal(byte[] data, int offset, int n, int length) throws IOException {
            if (counter == Long.MAX_VALUE) {
                throw new IOException("record counter exhausted; no nonce may repeat");
            }
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, nonce(counter++));
                cipher.updateAAD(aad(length));
                return cipher.doFinal(data, offset, n, sealed, 0);
            } catch (GeneralSecurityException e) {
                throw new IOException("AES-GCM encryption failed: " + e.getMessage(), e);
            }
        }
    }

    /** The receiving side; one thread at a time. */
    static final class Reader {
        private final DataInputStream in;
        private final SecretKeySpec key;
        private final Cipher cipher;
        private final byte[] sealed;
        private final String peer;
        private long counter;

        /** @param key null: messages come in clear */
        Reader(DataInputStream in, byte[] key, String peer) {
            this.in = in;
            this.key = key == null ? null : new SecretKeySpec(key, "AES");
            this.cipher = key == null ? null : aes();
            this.sealed = key == null ? null : new byte[RECORD + TAG];
            this.peer = peer;
        }

        /**
         * Reads a message of exactly {@code length} bytes into {@code into}.
         *
         * @throws IOException if the peer announces another length or a record fails authentication
         */
        void readExactly(byte[] into, int length) throws IOException {
            int announced = in.readInt();
            if (announced != length) {
                throw new IOException(peer + " announced a message of " + announced + " bytes where " + length
                        + " were due");
            }
            readBody(into, length);
        }

        /**
         * Reads a message of at most {@code maxLength} bytes.
         *
         * @throws IOException if the announced length is negative or above the limit, or a record fails authentication
         */
        byte[] read(int maxLength) throws IOException {
            int length = in.readInt();
            if (length < 0 || length > maxLength) {
                throw new IOException(peer + " announced a message of " + length + " bytes; at most " + maxLength
                        + " are allowed");
            }
            byte[] message = new byte[length];
            readBody(message, length);
            return message;
        }

        private void readBody(byte[] into, int length) throws IOException {
            int records = records(length);
            for (int r = 0, offset = 0; r < records; r++) {
                int n = Math.min(RECORD, length - offset);
                if (key == null) {
                    in.readFully(into, offset, n);
                } else {
                    in.readFully(sealed, 0, n + TAG);
                    open(into, offset, n, length);
                }
                offset += n;
            }
        }

        private void open(byte[] into, int offset, int n, int length) throws IOException {
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, nonce(counter++));
                cipher.updateAAD(aad(length));
                cipher.doFinal(sealed, 0, n + TAG, into, offset);
            } catch (AEADBadTagException e) {
                throw new IOException(peer + " sent a record that fails authentication (tampered or out of order)");
            } catch (GeneralSecurityException e) {
                throw new IOException("AES-GCM decryption failed: " + e.getMessage(), e);
            }
        }
    }

    private static Cipher aes() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available in this JVM", e);
        }
    }
}
