package dev.sparkcnn.cluster;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A stranger that keeps connecting to the ports it is given, cycling through five behaviours:
 * idle (connect, say nothing), garbage (random bytes), reset (two bytes of a greeting, then RST),
 * wrong (a well-formed handshake answer with a random MAC) and replayed (bytes recorded from an
 * earlier connection: its own earlier answers and the server's challenges, sent back again). It
 * records the local address of every connection it made, by behaviour and target, for the test
 * to find in the logs.
 */
final class HostileClient implements AutoCloseable {
    enum Behaviour { IDLE, GARBAGE, RESET, WRONG, REPLAYED }

    /** One connection made: to which port, how it behaved, from which local address. */
    record Attack(int port, Behaviour behaviour, SocketAddress local) {
    }

    private static final int MAGIC = 0x53434e48; // the handshake's "SCNH"

    private final Supplier<List<Integer>> ports;
    private final Random random = new Random(7);
    private final List<Attack> attacks = new ArrayList<>();
    private final Map<Integer, byte[]> recorded = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Thread loop;
    private volatile boolean stopped;

    /** Starts attacking, every {@code periodMillis}, each of the ports {@code ports} names at that moment. */
    HostileClient(Supplier<List<Integer>> ports, long periodMillis) {
        this.ports = ports;
        this.loop = new Thread(() -> {
            int n = 0;
            while (!stopped) {
                for (int port : ports.get()) {
                    Behaviour b = Behaviour.values()[n++ % Behaviour.values().length];
                    Thread t = new Thread(() -> attack(port, b), "hostile-" + port);
                    t.setDaemon(true);
                    t.start();
                    synchronized (threads) {
                        threads.add(t);
                    }
                }
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "hostile-client");
        loop.setDaemon(true);
        loop.start();
    }

    synchronized List<Attack> attacks() {
        return List.copyOf(attacks);
    }

    private void attack(int port, Behaviour behaviour) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(3000);
            synchronized (this) {
                attacks.add(new Attack(port, behaviour, s.getLocalSocketAddress()));
            }
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            switch (behaviour) {
                case IDLE -> Thread.sleep(3000);
                case GARBAGE -> {
                    byte[] junk = new byte[200];
                    synchronized (random) {
                        random.nextBytes(junk);
                    }
                    out.write(junk);
                    out.flush();
                    drain(s.getInputStream());
                }
                case RESET -> {
                    out.write(new byte[]{0x53, 0x43});
                    out.flush();
                    s.setSoLinger(true, 0);
                }
                case WRONG -> {
                    byte[] challenge = new DataInputStream(s.getInputStream()).readNBytes(20);
                    byte[] answer = new byte[4 + 16 + 2 + 16 + 32];
                    synchronized (random) {
                        random.nextBytes(answer);
                    }
                    java.nio.ByteBuffer.wrap(answer).putInt(MAGIC).position(20).putShort((short) 16);
                    recorded.put(port, answer);
                    recorded.put(-port, challenge);
                    out.write(answer);
                    out.flush();
                    drain(s.getInputStream());
                }
                case REPLAYED -> {
                    byte[] earlier = recorded.getOrDefault(port, recorded.getOrDefault(-port, new byte[20]));
                    out.write(earlier);
                    out.flush();
                    drain(s.getInputStream());
                }
            }
        } catch (IOException | InterruptedException e) {
            // refused, reset or cut off: what a stranger should get
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // until the server closes the connection
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        loop.interrupt();
        loop.join(5000);
        List<Thread> all;
        synchronized (threads) {
            all = List.copyOf(threads);
        }
        for (Thread t : all) {
            t.join(5000);
        }
    }
}
