package dev.sparkcnn.driver.registry;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model registry on any Hadoop file system:
 * <pre>
 *   &lt;registry&gt;/&lt;name&gt;/v1/ v2/ …        complete model directories + provenance.json
 *   &lt;registry&gt;/&lt;name&gt;/champion-000001 …  the champion history ({@link ChampionHistory})
 *   &lt;registry&gt;/&lt;name&gt;/.claims/vN          who allocated version N, touched while it trains
 *   &lt;registry&gt;/&lt;name&gt;/.vN.staging/        version N while it is being written (hidden)
 * </pre>
 * Several writers may work on one registry at once. A version number is allocated by creating its
 * claim exclusively ({@link ExclusiveFiles}; {@code mkdirs} succeeds for everyone on most file
 * systems, so it cannot decide a race), so two runs never get the same number. The version is
 * written to its staging directory and renamed to {@code vN} only when complete, so readers never
 * see a partial version. A running writer touches its claim (a heartbeat); a writer that crashed
 * leaves a claim that nobody touches any more: after {@link #STALE_AFTER} the next writer logs a
 * warning, removes its staging files and marks the claim abandoned; the number itself is never
 * reused, so nothing can mistake one run's files for another's.
 */
public final class ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");
    public static final Duration STALE_AFTER = Duration.ofMinutes(10);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final String ABANDONED = ".abandoned";

    /** A claim of a version that was never published. */
    public record Claim(int version, String owner, Instant lastHeartbeat) {
    }

    private record ClaimInfo(String owner, String time) {
    }

    private final String root;
    private final String name;
    private final FileSystem fs;
    private final Path dir;

    public ModelRegistry(HadoopConf hadoop, String root, String name) {
        if (root == null || root.isBlank()) {
            throw new ConfigException("--registry is required: a directory or Hadoop URI holding the models");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ConfigException("--name '" + name + "' is not a model name: use letters, digits, '.', '_' "
                    + "and '-', starting with a letter or digit");
        }
        this.root = root;
        this.name = name;
        try {
            this.fs = hadoop.fileSystem(root);
        } catch (IOException e) {
            throw new UncheckedIOException("--registry " + root + ": cannot open: " + e.getMessage(), e);
        }
        this.dir = new Path(root, name);
    }

    public String name() {
        return name;
    }

    /** The model directory of version {@code v}. */
    public String versionDir(int v) {
        return new Path(dir, "v" + v).toString();
    }

    /** Where version {@code v} is written before {@link #publish}. */
    public String stagingDir(int v) {
        return new Path(dir, ".v" + v + ".staging").toString();
    }

    /** The complete versions, ascending. */
    public List<Integer> versions() {
        return io("list", () -> {
            TreeSet<Integer> versions = new TreeSet<>();
            if (fs.exists(dir)) {
                for (FileStatus st : fs.listStatus(dir)) {
                    int v = st.isDirectory() ? RegistryNames.version(st.getPath()) : -1;
                    if (v > 0) {
                        versions.add(v);
                    }
                }
            }
            return new ArrayList<>(versions);
        });
    }

    /** The current champion's entry, or null when no version was ever promoted. */
    public ChampionEntry champion() {
        return championState().champion();
    }

    /** The valid champion entries, oldest first. */
    public List<ChampionEntry> history() {
        return championState().valid();
    }

    /** The champion history as one reader saw it: the base of a compare-and-swap. */
    public ChampionHistory.State championState() {
        return io("read the champion of", () -> new ChampionHistory(fs, dir).read(Set.copyOf(versions())));
    }

    /**
     * Makes {@code version} the champion if the champion history is still as {@code seen}; false
     * when another writer changed it meanwhile (nothing written; read again and decide again).
     */
    public boolean promote(ChampionHistory.State seen, int version, String reason) {
        requireVersion(version);
        return promoteStaged(seen, version, reason);
    }

    /**
     * As {@link #promote(ChampionHistory.State, int, String)} for a version not yet published: the
     * entry takes effect when {@link #publish} renames the version into place, and never if the
     * run dies before that, so the previous champion stays.
     */
    public boolean promoteStaged(ChampionHistory.State seen, int version, String reason) {
        long rollbackTo = seen.champion() == null ? 0 : seen.champion().seq();
        return append(new ChampionEntry(seen.newestSeq() + 1, version, ChampionEntry.PROMOTE, reason,
                Instant.now().toString(), owner(), rollbackTo));
    }

    /** Promotes {@code version} unconditionally (a person asked for it), retrying lost races. */
    public ChampionEntry promote(int version, String reason) {
        for (int attempt = 0; ; attempt++) {
            ChampionHistory.State seen = championState();
            if (promote(seen, version, reason)) {
                return championState().champion();
            }
            checkRetries(attempt);
        }
    }

    /** Makes the champion before the current one champion again; the history keeps both. */
    public ChampionEntry rollback() {
        for (int attempt = 0; ; attempt++) {
            ChampionHistory.State seen = championState();
            if (seen.champion() == null) {
                throw new ConfigException("model " + name + " in " + root + " has no champion to roll back");
            }
            ChampionEntry target = previous(seen);
            if (target == null) {
                throw new ConfigException("model " + name + ": v" + seen.champion().version() + " is the first "
                        + "champion; there is nothing to roll back to (promote a version instead)");
            }
            ChampionEntry entry = new ChampionEntry(seen.newestSeq() + 1, target.version(), ChampionEntry.ROLLBACK,
                    "rollback from v" + seen.champion().version(), Instant.now().toString(), owner(),
                    target.rollbackTo());
            if (append(entry)) {
                return entry;
            }
            checkRetries(attempt);
        }
    }

    /**
     * The entry a rollback from the champion returns to: the valid entry its {@code rollbackTo}
     * names or, when that one's version is gone, the newest valid entry before it. Always an
     * entry older than the champion's, found in one pass, whatever number a file claims.
     */
    static ChampionEntry previous(ChampionHistory.State seen) {
        long limit = Math.min(seen.champion().rollbackTo(), seen.champion().seq() - 1);
        ChampionEntry best = null;
        for (ChampionEntry e : seen.valid()) {
            if (e.seq() <= limit && (best == null || e.seq() > best.seq())) {
                best = e;
            }
        }
        return best;
    }

    /** Allocates the next version number by an exclusive claim; warns about and cleans up stale claims. */
    public int claim() {
        return io("claim a version in", () -> {
            Path claims = new Path(dir, ".claims");
            fs.mkdirs(claims);
            for (Claim stale : staleClaims(Instant.now())) {
                takeOver(stale);
            }
            int next = versions().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
            for (FileStatus st : fs.listStatus(claims)) {
                next = Math.max(next, RegistryNames.version(st.getPath()) + 1);
            }
            if (next > RegistryNames.MAX_VERSION) {
                throw new ConfigException("model " + name + " in " + root + ": version numbers are exhausted (v"
                        + RegistryNames.MAX_VERSION + " is taken); register the model under a new --name");
            }
            byte[] info = Json.write(new ClaimInfo(owner(), Instant.now().toString())).getBytes(StandardCharsets.UTF_8);
            int last = (int) Math.min(RegistryNames.MAX_VERSION, next + 999L);
            for (int v = next; v <= last; v++) {
                if (ExclusiveFiles.create(fs, new Path(claims, "v" + v), info)) {
                    return v;
                }
            }
            throw new IOException("no free version number after 1000 attempts");
        });
    }

    /**
     * Cleans up after a crashed run: its staging directory and temporary files go, and a marker
     * says so. The claim itself stays, so the number is never reused: a champion entry the run
     * may have written before it died must never come to name another model.
     */
    private void takeOver(Claim stale) throws IOException {
        LOG.warn("model {}: v{} was claimed by {} (last heartbeat {}) and never published; that run crashed or "
                + "hung: taking over, its staging files are removed and v{} stays unused", name, stale.version(),
                stale.owner(), stale.lastHeartbeat(), stale.version());
        fs.delete(new Path(stagingDir(stale.version())), true);
        FileStatus[] leftovers = fs.globStatus(new Path(dir, "..v" + stale.version() + ".staging.tmp-*"));
        for (FileStatus st : leftovers == null ? new FileStatus[0] : leftovers) {
            fs.delete(st.getPath(), true);
        }
        ExclusiveFiles.create(fs, new Path(dir, ".claims/v" + stale.version() + ABANDONED),
                Json.write(new ClaimInfo(owner(), Instant.now().toString())).getBytes(StandardCharsets.UTF_8));
    }

    /** Tells other writers that the run that claimed {@code v} is alive. */
    public void heartbeat(int v) {
        io("touch the claim in", () -> {
            fs.setTimes(new Path(dir, ".claims/v" + v), System.currentTimeMillis(), -1);
            return null;
        });
    }

    /** Claims whose version never appeared and whose owner has not touched them for {@link #STALE_AFTER}. */
    public List<Claim> staleClaims(Instant now) {
        return io("list the claims of", () -> {
            List<Claim> stale = new ArrayList<>();
            Path claims = new Path(dir, ".claims");
            if (!fs.exists(claims)) {
                return stale;
            }
            Set<Integer> complete = Set.copyOf(versions());
            for (FileStatus st : fs.listStatus(claims)) {
                int v = RegistryNames.version(st.getPath());
                Instant touched = Instant.ofEpochMilli(st.getModificationTime());
                if (v > 0 && !complete.contains(v) && touched.isBefore(now.minus(STALE_AFTER))
                        && !fs.exists(st.getPath().suffix(ABANDONED))) {
                    stale.add(new Claim(v, readOwner(st.getPath()), touched));
                }
            }
            return stale;
        });
    }

    /** Writes {@code provenanceJson} into the staging directory of {@code v} and renames it to {@code vN}. */
    public void publish(int v, String provenanceJson) {
        io("publish a version in", () -> {
            Path staging = new Path(stagingDir(v));
            Path target = new Path(versionDir(v));
            if (!fs.exists(staging)) {
                throw new IOException(staging + " is gone: another run took this claim over as stale "
                        + "(more than " + STALE_AFTER.toMinutes() + " minutes without a heartbeat)");
            }
            fs.setWriteChecksum(false);
            try (OutputStream out = fs.create(new Path(staging, Provenance.FILE), true)) {
                out.write(provenanceJson.getBytes(StandardCharsets.UTF_8));
            }
            if (fs.exists(target) || !fs.rename(staging, target)) {
                throw new IOException("rename " + staging + " -> " + target + " failed");
            }
            return null;
        });
    }

    /** The provenance of version {@code v}. */
    public Provenance provenance(int v) {
        requireVersion(v);
        String file = versionDir(v) + "/" + Provenance.FILE;
        return io("read", () -> {
            try (InputStream in = fs.open(new Path(file))) {
                return Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), Provenance.class, file);
            }
        });
    }

    public void requireVersion(int v) {
        if (!versions().contains(v)) {
            throw new ConfigException("model " + name + " in " + root + " has no version v" + v + " (versions: "
                    + versions().stream().map(x -> "v" + x).toList() + ")");
        }
    }

    private boolean append(ChampionEntry entry) {
        return io("update the champion of", () -> {
            fs.mkdirs(dir);
            return new ChampionHistory(fs, dir).append(entry);
        });
    }

    private void checkRetries(int attempt) {
        if (attempt >= 20) {
            throw new UncheckedIOException(new IOException("model " + name + ": the champion kept changing "
                    + "under 20 attempts to update it; too many concurrent writers"));
        }
    }

    private String readOwner(Path claim) {
        try (InputStream in = fs.open(claim)) {
            return Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), ClaimInfo.class,
                    claim.toString()).owner();
        } catch (IOException | RuntimeException e) {
            return "(unknown)";
        }
    }

    static String owner() {
        return ManagementFactory.getRuntimeMXBean().getName();
    }

    private interface IoAction<T> {
        T run() throws IOException;
    }

    private <T> T io(String what, IoAction<T> action) {
        try {
            return action.run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + what + " model " + name + " in registry " + root + ": "
                    + e.getMessage(), e);
        }
    }
}
