package dev.sparkcnn.driver.cli;

import dev.sparkcnn.driver.bench.ExchangeBenchmark;
import dev.sparkcnn.driver.bench.ExchangeModel;
import dev.sparkcnn.driver.bench.ExchangeReport;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.store.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sparkcnn bench exchange}: the ring all-reduce timed among member JVMs on loopback, and its cost model. */
@Command(name = "exchange", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start N ring members as separate JVMs on loopback, time the ring all-reduce of each "
                + "message size (per repetition the slowest member, then the median), and fit the cost model "
                + "t = alpha + 2(N-1)/N * size / beta by least squares on relative error; print the table, the fit "
                + "over all points and per N, and every point's residual.",
                "Example: sparkcnn bench exchange --members 2,4 --sizes-kb 1024,16384 --json exchange.json"})
public final class ExchangeCommand implements Callable<Integer> {
    @Option(names = "--members", paramLabel = "LIST", split = ",", defaultValue = "2,3,4,8",
            description = "Member counts, each >= 2 (default: ${DEFAULT-VALUE}).")
    List<Integer> members;

    @Option(names = "--sizes-kb", paramLabel = "LIST", split = ",", defaultValue = "64,256,1024,4096,16384,65536",
            description = "Message sizes in KB, each in [1, 262144] (default: ${DEFAULT-VALUE}).")
    List<Integer> sizesKb;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "2",
            description = "Untimed all-reduces per size (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--reps", paramLabel = "N", defaultValue = "7",
            description = "Timed all-reduces per size; the median is kept (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write the points and fits as JSON (input of bench project).")
    Path json;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws IOException {
        if (members.isEmpty() || members.stream().anyMatch(n -> n < 2 || n > 64)) {
            throw new ConfigException("--members: every count must be in [2, 64], got " + members);
        }
        if (sizesKb.size() < 2 || sizesKb.stream().anyMatch(s -> s < 1 || s > 262144)
                || sizesKb.stream().distinct().count() < 2) {
            throw new ConfigException("--sizes-kb: give at least two different sizes, each in [1, 262144] KB, got "
                    + sizesKb);
        }
        if (warmup < 0 || reps < 1) {
            throw new ConfigException("--warmup must be >= 0 and --reps >= 1, got " + warmup + " and " + reps);
        }
        List<Long> sizes = new ArrayList<>();
        sizesKb.stream().distinct().forEach(s -> sizes.add(s * 1024L));
        PrintWriter out = command.commandLine().getOut();
        out.printf("sparkcnn bench exchange: members %s, sizes %s KB, %d warm-up + %d timed all-reduces each%n",
                members, sizesKb, warmup, reps);
        List<ExchangeModel.Point> points = new ExchangeBenchmark(List.copyOf(members), sizes, warmup, reps)
                .measure(out);
        ExchangeReport report = ExchangeReport.of(points, Runtime.getRuntime().availableProcessors());
        report.print(out);
        if (json != null) {
            AtomicFiles.writeString(json, Json.write(report));
        }
        return 0;
    }
}
