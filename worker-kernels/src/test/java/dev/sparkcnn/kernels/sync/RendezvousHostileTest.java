package dev.sparkcnn.kernels.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Strangers on the rendezvous port: they are refused and logged, and the round meets regardless. */
class RendezvousHostileTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<Socket> strangers = new ArrayList<>();
    private final Refusals refusals = new Refusals();

    @AfterEach
    void stop() throws IOException {
        pool.shutdownNow();
        for (Socket s : strangers) {
            s.close();
        }
    }

    private Future<List<InetSocketAddress>> join(InetSocketAddress server, RoundCredentials credentials, int rank,
                                                 int size) {
        return pool.submit(() -> Rendezvous.join(server, credentials, rank, size,
                new InetSocketAddress("10.0.0." + (rank + 1), 5000 + rank), TIMEOUT, () -> false));
    }

    private static InetSocketAddress address(Rendezvous.Server server) {
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    /** Three members meet, with all of them asked; returns the seconds it took. */
    private double meet(InetSocketAddress server, RoundCredentials credentials) throws Exception {
        long t0 = System.nanoTime();
        List<Future<List<InetSocketAddress>>> members = new ArrayList<>();
        for (int rank = 0; rank < 3; rank++) {
            members.add(join(server, credentials, rank, 3));
        }
        for (Future<List<InetSocketAddress>> m : members) {
            assertEquals(3, m.get(20, TimeUnit.SECONDS).size());
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    @Test
    void tenIdleConnectionsDoNotHoldUpARound() throws Exception {
        try (Rendezvous.Server server = Rendezvous.Server.open("127.0.0.1", Rings.secret(false), refusals,
                Rendezvous.HANDSHAKE_LIMIT)) {
            strangers.addAll(Strangers.idle(address(server), 10));
            double seconds = meet(address(server), Rings.credentials(false));
            assertTrue(seconds < 3, "met in " + seconds + " s behind 10 idle connections");
        }
    }

    @Test
    void garbageResetsSlowAndWrongOrReplayedHandshakesAreRefusedAndLoggedWithTheirAddress() throws Exception {
        try (Rendezvous.Server server = Rendezvous.Server.open("127.0.0.1", Rings.secret(false), refusals,
                Duration.ofSeconds(2))) {
            // round 1 through a recording proxy: its handshake is what the replay sends later
            byte[] recorded;
            try (RecordingProxy proxy = new RecordingProxy(address(server))) {
                RoundCredentials round1 = new RoundCredentials(Rings.secret(false), 1, 0);
                assertEquals(1, join(proxy.address(), round1, 0, 1).get(20, TimeUnit.SECONDS).size());
                recorded = proxy.recordings().get(0).upstream();
            }
            Socket garbage = Strangers.garbage(address(server));
            Socket wrong = Strangers.wrongSecret(address(server), new byte[24]);
            Socket replayed = Strangers.replay(address(server), recorded);
            Socket slow = Strangers.idle(address(server));
            slow.getOutputStream().write(0x53); // then nothing more: cut off at the time limit
            Socket idle = Strangers.idle(address(server));
            var resetAddress = Strangers.reset(address(server));
            strangers.addAll(List.of(garbage, wrong, replayed, slow, idle));

            double seconds = meet(address(server), new RoundCredentials(Rings.secret(false), 2, 0));
            assertTrue(seconds < 2, "met in " + seconds + " s among strangers");

            assertReason(garbage.getLocalSocketAddress(), "not a sparkcnn handshake");
            assertReason(wrong.getLocalSocketAddress(), "failed authentication");
            assertReason(replayed.getLocalSocketAddress(), "failed authentication");
            assertReason(slow.getLocalSocketAddress(), "no complete handshake within");
            assertReason(idle.getLocalSocketAddress(), "no complete handshake within");
            assertReason(resetAddress, "reset");
        }
    }

    @Test
    void aMemberWithAnotherSecretIsTurnedAway() throws Exception {
        try (Rendezvous.Server server = Rendezvous.Server.open("127.0.0.1", Rings.secret(false), refusals,
                Rendezvous.HANDSHAKE_LIMIT)) {
            RoundCredentials other = new RoundCredentials(RunSecret.generate(false), 1, 0);
            Future<List<InetSocketAddress>> stranger = join(address(server), other, 0, 1);
            var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> stranger.get(20, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("without an answer"), e.getCause().getMessage());
            assertTrue(refusals.toString().contains("failed authentication"), refusals.toString());
        }
    }

    private void assertReason(java.net.SocketAddress peer, String expected) throws InterruptedException {
        String reason = refusals.of(peer, 5000);
        assertNotNull(reason, peer + " was not reported; reported:\n" + refusals);
        assertTrue(reason.contains(expected), peer + ": " + reason);
    }
}
