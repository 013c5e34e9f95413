package dev.sparkcnn.driver.store;


import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A checkpoint directory on any Hadoop file system: one subdirectory per checkpoint,
 * {@code round-NNNNNN/} holding {@code state.bin} ({@link StateFile}, CRC-32 checked) and
 * {@code checkpoint.json}, each written atomically ({@link AtomicDirectory}). The newest
 * {@value #KEEP} are kept, so when the newest turns out damaged (a bad checksum, a missing file,
 * truncated JSON) the one before it is still there.
 */
public final class Checkpoints {
    public static final String STATE = "state.bin";
    /** {@code --keep-best}: the best epoch's state so far, present when {@code checkpoint.json} names a kept epoch. */
    public static final String KEPT = "kept.bin";
    public static final String INFO = "checkpoint.json";
    /** The SHA-256 of {@code checkpoint.json}, in {@code sha256sum} format. */
    public static final String INFO_SUM = INFO + ".sha256";
    public static final int KEEP = 2;
    public static final int FORMAT_VERSION = 1;
    private static final String PREFIX = "round-";
    private static final String INCOMPLETE = "the checkpoint is incomplete";

    /** The newest readable checkpoint, where it is, and the newer ones that were damaged (with why). */
    public record Loaded(Checkpoint checkpoint, String path, List<String> damaged) {
    }

    private Checkpoints() {
    }

    /** Writes {@code checkpoint} under {@code dir}, drops all but the newest {@value #KEEP}; returns its path. */
    public static String write(HadoopConf hadoop, String dir, Checkpoint checkpoint) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(STATE, StateFile.encode(checkpoint.state()));
        if ((checkpoint.kept() == null) != (checkpoint.info().kept() == null)) {
            throw new IllegalArgumentException("a checkpoint has a kept state exactly when its info names the kept epoch");
        }
        if (checkpoint.kept() != null) {
            files.put(KEPT, StateFile.encode(checkpoint.kept()));
        }
        byte[] info = Json.write(checkpoint.info()).getBytes(StandardCharsets.UTF_8);
        files.put(INFO, info);
        files.put(INFO_SUM, InfoChecksum.line(info).getBytes(StandardCharsets.UTF_8));
        String path = new Path(new Path(dir), name(checkpoint.info().round())).toString();
        AtomicDirectory.write(hadoop, path, true, files, "--checkpoint-dir", INFO);
        prune(hadoop, dir);
        return path;
    }

    /**
     * The newest checkpoint in {@code dir} that reads back whole. Damaged newer ones are reported
     * in {@link Loaded#damaged()}, not deleted.
     *
     * @throws InvalidDataException if {@code dir} holds no readable checkpoint
     */
    public static Loaded latest(HadoopConf hadoop, String dir) {
        List<Path> rounds = rounds(hadoop, dir);
        if (rounds.isEmpty()) {
            throw new InvalidDataException(dir + ": no checkpoints (" + PREFIX + "NNNNNN directories) found; "
                    + "give the --checkpoint-dir of the run to resume (default: its --out followed by .checkpoints)");
        }
        List<String> damaged = new ArrayList<>();
        for (int i = rounds.size() - 1; i >= 0; i--) {
            String path = rounds.get(i).toString();
            try {
                return new Loaded(read(hadoop, path), path, List.copyOf(damaged));
            } catch (InvalidDataException | ConfigException e) {
                damaged.add(e.getMessage());
            }
        }
        throw new InvalidDataException(dir + ": every checkpoint is damaged: " + String.join("; ", damaged));
    }

    /** One checkpoint directory. */
    public static Checkpoint read(HadoopConf hadoop, String path) {
        String text = StoreFiles.text(hadoop, path + "/" + INFO, INCOMPLETE);
        InfoChecksum.verify(hadoop, path, text);
        restoreNetwork(text, path);
        Checkpoint.Info info = Json.read(text, Checkpoint.Info.class, path + "/" + INFO);
        if (info.formatVersion() != FORMAT_VERSION) {
            throw new InvalidDataException(path + "/" + INFO + ": checkpoint format version " + info.formatVersion()
                    + " is not supported by this build (supports " + FORMAT_VERSION + ")");
        }
        if (info.rounds() == null || info.rounds().size() != info.round() || !new Path(path).getName()
                .equals(name(info.round())) || info.config() == null || info.spec() == null || info.data() == null
                || info.rounds().contains(null) || info.epoch() < 1 || info.roundsPerEpoch() < 1
                || info.totalRounds() < info.round() || !epochsConsistent(info)) {
            throw new InvalidDataException(path + "/" + INFO + ": inconsistent (round " + info.round()
                    + ", " + (info.rounds() == null ? "no" : info.rounds().size()) + " rounds of history)");
        }
        ModelBounds.check(info.spec(), path + "/" + INFO, "spec");
        ModelBounds.check(info.data(), path + "/" + INFO, "data");
        return new Checkpoint(info, StoreFiles.state(hadoop, path + "/" + STATE, INCOMPLETE),
                info.kept() == null ? null : StoreFiles.state(hadoop, path + "/" + KEPT, INCOMPLETE));
    }

    /** One entry per completed epoch (when recorded), and a kept epoch among them. */
    private static boolean epochsConsistent(Checkpoint.Info info) {
        if (info.epochs() == null) {
            return info.kept() == null;
        }
        int completed = info.round() / info.roundsPerEpoch();
        if (info.epochs().size() != completed || info.epochs().contains(null)) {
            return false;
        }
        for (int i = 0; i < completed; i++) {
            if (info.epochs().get(i).epoch() != i + 1) {
                return false;
            }
        }
        return info.kept() == null || (info.kept().epoch() >= 1 && info.kept().epoch() <= completed
                && info.epochs().get(info.kept().epoch() - 1).validated());
    }

    /** True when {@code dir} holds at least one checkpoint (readable or not). */
    public static boolean any(HadoopConf hadoop, String dir) {
        return !rounds(hadoop, dir).isEmpty();
    }

    /** Deletes the checkpoints in {@code dir} (and their temporaries); anything else there stays. */
    public static void deleteAll(HadoopConf hadoop, String dir) {
        try {
            FileSystem fs = hadoop.fileSystem(dir);
            for (Path p : rounds(hadoop, dir)) {
                fs.delete(p, true);
            }
            deleteTemporaries(fs, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot delete checkpoints: " + e.getMessage(), e);
        }
    }

    /** Deletes the checkpoints after round {@code round} (damaged ones a resume skipped). */
    public static void deleteAfter(HadoopConf hadoop, String dir, int round) {
        try {
            FileSystem fs = hadoop.fileSystem(dir);
            for (Path p : rounds(hadoop, dir)) {
                if (roundOf(p.getName()) > round) {
                    fs.delete(p, true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot delete damaged checkpoints: " + e.getMessage(), e);
        }
    }

    static String name(int round) {
        return String.format("%s%06d", PREFIX, round);
    }

    /** Keeps the newest {@value #KEEP}; also removes temporaries a killed driver left behind. */
    private static void prune(HadoopConf hadoop, String dir) {
        try {
            FileSystem fs = hadoop.fileSystem(dir);
            List<Path> rounds = rounds(hadoop, dir);
            for (int i = 0; i < rounds.size() - KEEP; i++) {
                fs.delete(rounds.get(i), true);
            }
            deleteTemporaries(fs, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot remove old checkpoints: " + e.getMessage(), e);
        }
    }

    /** One driver writes a checkpoint directory at a time, so any temporary left is a dead one's. */
    private static void deleteTemporaries(FileSystem fs, String dir) throws IOException {
        Path root = new Path(dir);
        if (!fs.exists(root)) {
            return;
        }
        for (FileStatus s : fs.listStatus(root)) {
            String n = s.getPath().getName();
            if (n.startsWith("." + PREFIX) && (n.contains(".tmp-") || n.contains(".old-"))) {
                fs.delete(s.getPath(), true);
            }
        }
    }

    /** The checkpoint directories, oldest first. */
    private static List<Path> rounds(HadoopConf hadoop, String dir) {
        try {
            FileSystem fs = hadoop.fileSystem(dir);
            Path root = new Path(dir);
            if (!fs.exists(root)) {
                return List.of();
            }
            List<Path> out = new ArrayList<>();
            for (FileStatus s : fs.listStatus(root)) {
                if (s.isDirectory() && roundOf(s.getPath().getName()) >= 0) {
                    out.add(s.getPath());
                }
            }
            out.sort(Comparator.comparingInt(p -> roundOf(p.getName())));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list checkpoints: " + e.getMessage(), e);
        }
    }

    private static int roundOf(String name) {
        if (!name.matches(PREFIX + "\\d{6,9}")) {
            return -1;
        }
        return Integer.parseInt(name.substring(PREFIX.length()));
    }


    /**
     * A run trained on a definition file resumes with the network it stored, whatever the file holds
     * now (or if it is gone): the stored definition is restored under the file's name before the
     * configuration, which names the file, is read.
     */
    private static void restoreNetwork(String text, String path) {
        try {
            com.fasterxml.jackson.databind.JsonNode root = Json.MAPPER.readTree(text);
            String model = root.path("config").path("model").asText(null);
            com.fasterxml.jackson.databind.JsonNode spec = root.path("spec");
            if (model != null && spec.hasNonNull("network") && ModelCatalogue.isDefinitionFile(model)) {
                ModelCatalogue.restore(model, Json.MAPPER.treeToValue(spec, ModelSpec.class).definition());
            }
        } catch (java.io.IOException | RuntimeException e) {
            // left to the full read below, which names the file and what is wrong
        }
    }
}
