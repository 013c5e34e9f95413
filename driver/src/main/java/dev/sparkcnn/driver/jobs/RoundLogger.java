package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.driver.train.RoundListener;
import dev.sparkcnn.driver.train.RoundStats;
import dev.sparkcnn.kernels.ModelState;
import org.slf4j.Logger;

/** One log line per round: round, epoch, loss, training accuracy, throughput, elapsed time and ETA. */
final class RoundLogger implements RoundListener {
    private final Logger log;
    private double elapsed;
    private int rounds;

    RoundLogger(Logger log) {
        this.log = log;
    }

    @Override
    public void roundFinished(RoundStats s, int totalRounds, ModelState state) {
        elapsed += s.seconds();
        rounds++; // this process's rounds: a resumed run's ETA comes from its own pace
        double eta = elapsed / rounds * (totalRounds - s.round());
        log.info(String.format("round %d/%d epoch %d  loss %.4f%s  %6.0f img/s  elapsed %s  eta %s", s.round(),
                totalRounds, s.epoch(), s.loss(), s.accuracy() == null ? "" : String.format("  acc %.3f",
                        s.accuracy()), s.imagesPerSecond(), clock(elapsed), clock(eta)));
    }

    static String clock(double seconds) {
        long t = Math.round(seconds);
        return t >= 3600 ? String.format("%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                : String.format("%d:%02d", t / 60, t % 60);
    }
}
