package dev.sparkcnn.driver.bench;

import java.io.PrintWriter;
import java.util.List;

/**
 * Another distributed training system measured beside sparkcnn's strategies in
 * {@code bench strategies --peers NAME}. Implementations live outside the application (module
 * {@code peers/}) and are found with {@link java.util.ServiceLoader}, so their dependencies are on
 * the class path only when a peer is asked for.
 */
public interface PeerSystem {

    /** The name {@code --peers} selects, e.g. {@code dl4j-spark}. */
    String name();

    /**
     * Trains the same network on the same data as sparkcnn's rows, once per training mode of the
     * peer, printing nothing itself; a mode that fails gives a row with its error instead of
     * throwing.
     */
    List<PeerRow> run(PeerRun run, PrintWriter log);
}
