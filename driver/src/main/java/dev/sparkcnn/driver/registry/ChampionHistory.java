package dev.sparkcnn.driver.registry;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The champion pointer of one model as an append-only sequence of files
 * {@code champion-000001, champion-000002, …}; the champion is the version named by the
 * highest <em>valid</em> entry (parseable, and its version directory exists).
 *
 * <p>Why not one {@code champion} file replaced by rename: HDFS's rename fails when the target
 * exists, so replacing needs delete-then-rename, which leaves a moment with no pointer at all and
 * a crash there loses it; the local file system's rename replaces silently, so two writers cannot
 * tell that one overwrote the other. Appending entry {@code n+1} with an exclusive create
 * ({@link ExclusiveFiles}) is correct on both: it is a compare-and-swap (a writer that read
 * {@code n} as the newest entry succeeds only if nobody wrote {@code n+1} meanwhile), it is atomic
 * (readers see the whole entry or none), a crash at any point leaves the previous champion in
 * force, and the entries are the champion history that {@code models rollback} walks.
 */
public final class ChampionHistory {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");
    static final String PREFIX = "champion-";

    /** What a reader saw: the newest entry number (valid or not) and the champion's entry (null: none). */
    public record State(long newestSeq, ChampionEntry champion, List<ChampionEntry> valid) {
    }

    /** Test hook: runs after a new entry's temporary file is written and before it is published. */
    static volatile Runnable beforePublish = () -> { };

    private final FileSystem fs;
    private final Path dir;

    ChampionHistory(FileSystem fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    /** Reads every entry; {@code versions} are the complete version numbers. */
    State read(Set<Integer> versions) throws IOException {
        if (!fs.exists(dir)) {
            return new State(0, null, List.of());
        }
        long newest = 0;
        List<ChampionEntry> valid = new ArrayList<>();
        for (FileStatus st : fs.listStatus(dir)) {
            long seq = st.isFile() ? RegistryNames.seq(st.getPath()) : -1;
            if (seq < 1) {
                continue;
            }
            newest = Math.max(newest, seq);
            ChampionEntry entry = parse(st.getPath());
            if (entry != null && entry.seq() == seq && versions.contains(entry.version())) {
                valid.add(entry);
            }
        }
        valid.sort(Comparator.comparingLong(ChampionEntry::seq));
        return new State(newest, valid.isEmpty() ? null : valid.get(valid.size() - 1), List.copyOf(valid));
    }

    /**
     * Appends {@code entry} (whose seq must be the newest seen + 1); false when another writer
     * appended first, in which case nothing was written.
     */
    boolean append(ChampionEntry entry) throws IOException {
        if (entry.seq() < 1 || entry.seq() > RegistryNames.MAX_SEQ) {
            throw new ConfigException(dir + ": the champion history is full (entry " + entry.seq() + " would pass "
                    + PREFIX + RegistryNames.MAX_SEQ + "); register the model under a new --name");
        }
        byte[] json = Json.write(entry).getBytes(StandardCharsets.UTF_8);
        return ExclusiveFiles.create(fs, new Path(dir, String.format("%s%06d", PREFIX, entry.seq())), json,
                beforePublish);
    }

    private ChampionEntry parse(Path file) {
        try (InputStream in = fs.open(file)) {
            return Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), ChampionEntry.class,
                    file.toString());
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: ignored, not a champion entry: {}", file, e.getMessage());
            return null;
        }
    }
}
