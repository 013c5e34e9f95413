package dev.sparkcnn.driver.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The cost model of a ring all-reduce, {@code t = alpha + 2(N-1)/N * B / beta} (latency alpha in
 * seconds, bandwidth beta in bytes/s, B the message size in bytes, N the members), and its
 * least-squares fit to measured points.
 *
 * <p>The fit minimises the squared <em>relative</em> residuals (weights 1/t²): measured times span
 * three orders of magnitude (64 KB to 64 MB), and an unweighted fit would let the largest messages
 * decide alpha alone. It is linear in (alpha, 1/beta), so the 2x2 normal equations solve it.
 *
 * @param alpha seconds per all-reduce independent of size
 * @param beta  bytes per second each member moves
 */
public record ExchangeModel(double alpha, double beta) {

    /** One measured all-reduce: {@code members} ring members, {@code bytes} per member, median {@code seconds}. */
    public record Point(int members, long bytes, double seconds) {
        public Point {
            if (members < 2 || bytes <= 0 || !(seconds > 0)) {
                throw new IllegalArgumentException("a point needs members >= 2, bytes > 0 and seconds > 0, got "
                        + members + ", " + bytes + ", " + seconds);
            }
        }

        /** Bytes each member sends in a ring all-reduce: 2(N-1)/N · B. */
        public double sentBytes() {
            return ExchangeModel.sentBytes(members, bytes);
        }
    }

    /** A point, what the model predicts for it, and the relative residual (measured − model) / model. */
    public record Residual(Point point, double predicted) {
        public double relative() {
            return (point.seconds() - predicted) / predicted;
        }
    }

    public ExchangeModel {
        if (!Double.isFinite(alpha) || !(beta > 0)) {
            throw new IllegalArgumentException("the model needs a finite alpha and beta > 0, got alpha " + alpha
                    + " s, beta " + beta + " B/s");
        }
    }

    /** Bytes each member sends in a ring all-reduce of {@code bytes} among {@code members}. */
    public static double sentBytes(int members, double bytes) {
        return members < 2 ? 0 : 2.0 * (members - 1) / members * bytes;
    }

    /** Predicted seconds of one all-reduce of {@code bytes} among {@code members} (0 for a single member). */
    public double seconds(int members, double bytes) {
        return members < 2 ? 0 : alpha + sentBytes(members, bytes) / beta;
    }

    /**
     * The weighted least-squares fit to {@code points} (at least two distinct message sizes).
     *
     * @throws IllegalArgumentException if the points cannot determine both parameters, or the fitted
     *                                  bandwidth is not positive (times that do not grow with size)
     */
    public static ExchangeModel fit(List<Point> points) {
        // minimise sum w (t - a - x g)^2 with w = 1/t^2, g = 1/beta
        double sw = 0;
        double sx = 0;
        double sxx = 0;
        double st = 0;
        double sxt = 0;
        for (Point p : points) {
            double w = 1 / (p.seconds() * p.seconds());
            double x = p.sentBytes();
            sw += w;
            sx += w * x;
            sxx += w * x * x;
            st += w * p.seconds();
            sxt += w * x * p.seconds();
        }
        double det = sw * sxx - sx * sx;
        if (points.size() < 2 || !(det > 1e-12 * sw * sxx)) {
            throw new IllegalArgumentException("fitting alpha and beta needs points of at least two different "
                    + "sizes, got " + points.size() + " point(s)");
        }
        double alpha = (sxx * st - sx * sxt) / det;
        double g = (sw * sxt - sx * st) / det;
        if (!(g > 0)) {
            throw new IllegalArgumentException("the times do not grow with the message size (fitted 1/beta = " + g
                    + "): no bandwidth can be fitted");
        }
        return new ExchangeModel(alpha, 1 / g);
    }

    /** What the model predicts for each point, in order. */
    public List<Residual> residuals(List<Point> points) {
        List<Residual> out = new ArrayList<>();
        for (Point p : points) {
            out.add(new Residual(p, seconds(p.members(), p.bytes())));
        }
        return out;
    }
}
