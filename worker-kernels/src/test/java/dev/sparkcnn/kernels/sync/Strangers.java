package dev.sparkcnn.kernels.sync;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test helper: hostile clients of a rendezvous or ring port. Each returns its socket, open, so
 * that the test can find its address in the refusals and close it at the end.
 */
final class Strangers {
    private static final Random RANDOM = new Random(1);

    private Strangers() {
    }

    /** Connects and says nothing. */
    static Socket idle(InetSocketAddress target) throws IOException {
        Socket s = new Socket();
        s.connect(target, 5000);
        return s;
    }

    /** Several idle connections. */
    static List<Socket> idle(InetSocketAddress target, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sockets.add(idle(target));
        }
        return sockets;
    }

    /** Sends random bytes. */
    static Socket garbage(InetSocketAddress target) throws IOException {
        Socket s = idle(target);
        byte[] junk = new byte[1000];
        RANDOM.nextBytes(junk);
        s.getOutputStream().write(junk);
        s.getOutputStream().flush();
        return s;
    }

    /** Sends the first bytes of a greeting, then resets the connection (RST, not FIN); returns its address. */
    static java.net.SocketAddress reset(InetSocketAddress target) throws IOException {
        Socket s = idle(target);
        java.net.SocketAddress local = s.getLocalSocketAddress();
        s.getOutputStream().write(new byte[]{0x53, 0x43});
        s.getOutputStream().flush();
        s.setSoLinger(true, 0);
        s.close();
        return local;
    }

    /** Answers the challenge with a well-formed request whose MAC is made with another secret. */
    static Socket wrongSecret(InetSocketAddress target, byte[] payload) throws IOException {
        return wrongSecret(idle(target), payload);
    }

    /** As above, on a connection already made. */
    static Socket wrongSecret(Socket s, byte[] payload) throws IOException {
        s.setSoTimeout(5000);
        byte[] key = Handshake.key(RunSecret.generate(false), "ring");
        Handshake.request(new DataInputStream(s.getInputStream()), new DataOutputStream(s.getOutputStream()), key,
                payload);
        return s;
    }

    /** Sends bytes recorded from an earlier connection, as they were. */
    static Socket replay(InetSocketAddress target, byte[] recorded) throws IOException {
        Socket s = idle(target);
        OutputStream out = s.getOutputStream();
        out.write(recorded);
        out.flush();
        return s;
    }
}
