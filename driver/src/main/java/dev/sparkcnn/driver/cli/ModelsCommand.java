package dev.sparkcnn.driver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.registry.ChampionEntry;
import dev.sparkcnn.driver.registry.ModelRegistry;
import dev.sparkcnn.driver.registry.Provenance;
import dev.sparkcnn.driver.store.ModelDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sparkcnn models}: look at and steer a model's versions in a registry (see {@code retrain}). */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Inspect a registry's model versions and choose its champion.",
        subcommands = {ModelsCommand.ListVersions.class, ModelsCommand.Show.class, ModelsCommand.Promote.class,
                ModelsCommand.Rollback.class})
public final class ModelsCommand extends CommandGroup {

    /** {@code models list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the versions with held-out accuracy, parent, retrain decision and the champion "
                    + "mark (*), then the champion history.",
                    "Example: sparkcnn models list --registry hdfs:///models --name cifar"})
    static final class ListVersions implements Callable<Integer> {
        @Mixin
        RegistryOptions where;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ModelRegistry registry = where.open();
            PrintWriter out = spec.commandLine().getOut();
            ChampionEntry champion = registry.champion();
            List<Integer> versions = registry.versions();
            if (versions.isEmpty()) {
                out.println("model " + registry.name() + " has no versions yet");
            } else {
                out.printf("  %-8s %-9s %-7s %-13s %-9s %s%n", "version", "accuracy", "parent", "mode", "decision",
                        "trained");
            }
            for (int v : versions) {
                Provenance p = registry.provenance(v);
                JsonNode metrics = metrics(where, v);
                out.printf("%s %-8s %-9s %-7s %-13s %-9s %s%n", champion != null && champion.version() == v ? "*" : " ",
                        "v" + v, String.format("%.4f", metrics.path("testAccuracy").asDouble()),
                        p.parentVersion() == null ? "-" : "v" + p.parentVersion(), p.mode(),
                        p.decision().outcome(), p.end());
            }
            for (ModelRegistry.Claim stale : registry.staleClaims(Instant.now())) {
                out.printf("  v%d: abandoned (claimed by %s, no heartbeat since %s); the next retrain removes it%n",
                        stale.version(), stale.owner(), stale.lastHeartbeat());
            }
            List<ChampionEntry> history = registry.history();
            if (!history.isEmpty()) {
                out.println("champion history:");
                for (ChampionEntry e : history) {
                    out.printf("  %d  %s  %-8s v%d  %s%n", e.seq(), e.time(), e.action(), e.version(), e.reason());
                }
            }
            return 0;
        }
    }

    /** {@code models show}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print one version's provenance (data fingerprint, seed, code and Spark version, parent, "
                    + "decision) and metrics summary.")
    static final class Show implements Callable<Integer> {
        @Mixin
        RegistryOptions where;
        @Parameters(arity = "0..1", paramLabel = "VERSION", description = "e.g. v3 (default: the champion).")
        String version;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            ModelRegistry registry = where.open();
            int v;
            if (version != null) {
                v = RegistryOptions.version(version);
            } else {
                ChampionEntry champion = registry.champion();
                if (champion == null) {
                    throw new dev.sparkcnn.driver.config.ConfigException("model " + registry.name()
                            + " has no champion; name a version");
                }
                v = champion.version();
            }
            Provenance p = registry.provenance(v);
            JsonNode metrics = metrics(where, v);
            PrintWriter out = spec.commandLine().getOut();
            ChampionEntry champion = registry.champion();
            out.printf("%s v%d%s: %s%n", registry.name(), v, champion != null && champion.version() == v
                    ? " (champion)" : "", registry.versionDir(v));
            out.printf("held-out accuracy %.4f on %d records, loss %.4f%s; %d rounds, %.1f s training%n",
                    metrics.path("testAccuracy").asDouble(), metrics.path("testExamples").asLong(),
                    metrics.path("testLoss").asDouble(), metrics.hasNonNull("officialTestAccuracy")
                            ? String.format("; official test accuracy %.4f",
                                    metrics.get("officialTestAccuracy").asDouble()) : "",
                    metrics.path("rounds").size(), metrics.path("trainingSeconds").asDouble());
            out.print(Json.write(p));
            out.flush();
            return 0;
        }
    }

    /** {@code models promote}. */
    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Make a version the champion (by hand, without comparing); the history keeps the previous one.")
    static final class Promote implements Callable<Integer> {
        @Mixin
        RegistryOptions where;
        @Parameters(paramLabel = "VERSION", description = "e.g. v3.")
        String version;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ChampionEntry e = where.open().promote(RegistryOptions.version(version), "promoted by hand");
            spec.commandLine().getOut().printf("champion of %s is now v%d%n", where.name, e.version());
            return 0;
        }
    }

    /** {@code models rollback}. */
    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Make the previous champion the champion again; repeated rollbacks walk further back.")
    static final class Rollback implements Callable<Integer> {
        @Mixin
        RegistryOptions where;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ChampionEntry e = where.open().rollback();
            spec.commandLine().getOut().printf("champion of %s is now v%d (%s)%n", where.name, e.version(),
                    e.reason());
            return 0;
        }
    }

    private static JsonNode metrics(RegistryOptions where, int v) {
        String dir = where.open().versionDir(v);
        try {
            return Json.MAPPER.readTree(ModelDirectory.readMetrics(where.hadoop(), dir));
        } catch (IOException e) {
            throw new dev.sparkcnn.datasets.InvalidDataException(dir + "/" + ModelDirectory.METRICS
                    + ": not valid JSON: " + e.getMessage(), e);
        }
    }
}
