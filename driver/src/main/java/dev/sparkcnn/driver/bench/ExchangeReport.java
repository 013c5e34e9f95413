package dev.sparkcnn.driver.bench;

import dev.sparkcnn.driver.bench.ExchangeModel.Point;
import dev.sparkcnn.driver.bench.ExchangeModel.Residual;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fits of {@code bench exchange} and how it prints them: one model over every point (the
 * usual alpha-beta model), one per member count, and the relative residuals of each point under
 * both, with the largest residual of messages of at least {@link #LARGE} bytes.
 *
 * @param points     the measured points
 * @param fit        the model fitted to every point
 * @param perMembers the model fitted to each member count's points alone (N → model)
 * @param cores      processors of this machine, to flag member counts that share cores
 */
public record ExchangeReport(List<Point> points, ExchangeModel fit, Map<Integer, ExchangeModel> perMembers,
                             int cores) {

    /** Residuals are judged on messages at least this large (1 MB). */
    public static final long LARGE = 1 << 20;
    /** The largest relative residual accepted on large messages. */
    public static final double TOLERANCE = 0.25;

    public static ExchangeReport of(List<Point> points, int cores) {
        Map<Integer, ExchangeModel> perMembers = new LinkedHashMap<>();
        for (int n : points.stream().map(Point::members).distinct().toList()) {
            perMembers.put(n, ExchangeModel.fit(points.stream().filter(p -> p.members() == n).toList()));
        }
        return new ExchangeReport(List.copyOf(points), ExchangeModel.fit(points), perMembers, cores);
    }

    /** The largest |relative residual| of messages of at least 1 MB under {@code model}, over {@code subset}. */
    static double worstLarge(ExchangeModel model, List<Point> subset) {
        return model.residuals(subset).stream().filter(r -> r.point().bytes() >= LARGE)
                .mapToDouble(r -> Math.abs(r.relative())).max().orElse(0);
    }

    public void print(PrintWriter out) {
        out.printf("%nring all-reduce on loopback, %d-core machine; time = slowest member, median of repetitions; "
                + "sent = 2(N-1)/N x size per member%n", cores);
        out.printf("%3s %9s %10s %9s %9s %10s %8s %10s %8s%n", "N", "size", "time ms", "sent MB", "GB/s",
                "global ms", "resid", "per-N ms", "resid");
        for (Point p : points) {
            ExchangeModel own = perMembers.get(p.members());
            double global = fit.seconds(p.members(), p.bytes());
            double local = own.seconds(p.members(), p.bytes());
            out.printf("%3d %9s %10.3f %9.2f %9.3f %10.3f %+7.1f%% %10.3f %+7.1f%%%n", p.members(),
                    size(p.bytes()), p.seconds() * 1e3, p.sentBytes() / 1e6, p.sentBytes() / p.seconds() / 1e9,
                    global * 1e3, 100 * (p.seconds() - global) / global, local * 1e3,
                    100 * (p.seconds() - local) / local);
        }
        out.printf("%nfit over all points (least squares on relative error): alpha = %.1f us, beta = %.3f GB/s; "
                + "largest residual for messages >= 1 MB: %.1f%% (%s)%n", fit.alpha() * 1e6, fit.beta() / 1e9,
                100 * worstLarge(fit, points), verdict(worstLarge(fit, points)));
        for (Map.Entry<Integer, ExchangeModel> e : perMembers.entrySet()) {
            List<Point> own = points.stream().filter(p -> p.members() == e.getKey()).toList();
            double worst = worstLarge(e.getValue(), own);
            out.printf("fit for N=%d alone: alpha = %.1f us, beta = %.3f GB/s; largest residual >= 1 MB: %.1f%% "
                    + "(%s)%s%n", e.getKey(), e.getValue().alpha() * 1e6, e.getValue().beta() / 1e9, 100 * worst,
                    verdict(worst), e.getKey() > cores ? "; CPU-bound: " + e.getKey() + " member JVMs share "
                    + cores + " cores, so beta here is this machine's CPU, not a network" : "");
        }
        List<String> broken = new ArrayList<>();
        for (Residual r : fit.residuals(points)) {
            if (r.point().bytes() >= LARGE && Math.abs(r.relative()) > TOLERANCE) {
                broken.add("N=" + r.point().members() + " " + size(r.point().bytes()));
            }
        }
        out.println(broken.isEmpty() ? "the single model holds within 25% for every message >= 1 MB"
                : "the single model misses by more than 25% at: " + String.join(", ", broken)
                        + " (see the per-N fits: on loopback the members share this machine's cores and memory "
                        + "bandwidth, so beta falls as N grows)");
        out.flush();
    }

    private static String verdict(double worst) {
        return worst <= TOLERANCE ? "within 25%" : "beyond 25%";
    }

    static String size(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MB" : (bytes >> 10) + " KB";
    }
}
