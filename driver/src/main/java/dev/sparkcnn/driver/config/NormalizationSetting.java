package dev.sparkcnn.driver.config;

import dev.sparkcnn.datasets.Normalization;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where {@code --normalize} takes the per-channel mean and std from: the model's own design
 * ({@code model}), the training split ({@code dataset}, computed on the executors), or given
 * numbers ({@code MEAN,STD} for every channel, or all means then all stds, torchvision's order:
 * {@code 0.4914,0.4822,0.4465,0.2470,0.2435,0.2616}). Parsed before Spark starts; the channel
 * count is checked once the data is found.
 *
 * @param mode   {@link #MODEL}, {@link #DATASET} or {@link #GIVEN}
 * @param values the given numbers (means, then stds); empty otherwise
 */
public record NormalizationSetting(String mode, float[] values) {
    public static final String MODEL = "model";
    public static final String DATASET = "dataset";
    public static final String GIVEN = "given";
    private static final String OPTION = "--normalize";

    /**
     * Parses the option's text; null means {@code model}.
     *
     * @throws ConfigException naming the option and what is wrong
     */
    public static NormalizationSetting parse(String text) {
        String t = text == null ? MODEL : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals(MODEL) || t.equals(DATASET)) {
            return new NormalizationSetting(t, new float[0]);
        }
        String[] parts = t.split(",", -1);
        float[] values = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                values[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(OPTION + " '" + text + "': '" + parts[i].trim() + "' is not a number; use "
                        + "model, dataset, or MEAN,STD (all channels) or the means then the stds of every channel");
            }
        }
        if (values.length % 2 != 0) {
            throw new ConfigException(OPTION + " '" + text + "': " + values.length + " numbers; give a mean and a std "
                    + "(for all channels) or as many means as stds (one per channel)");
        }
        int half = values.length / 2;
        for (int i = 0; i < values.length; i++) {
            boolean isStd = i >= half;
            if (!Float.isFinite(values[i]) || (isStd && !(values[i] > 0))) {
                throw new ConfigException(OPTION + " '" + text + "': " + (isStd ? "std " : "mean ") + values[i]
                        + " must be a finite number" + (isStd ? " > 0" : "") + " (pixels are on the [0, 1] scale)");
            }
        }
        return new NormalizationSetting(GIVEN, values);
    }

    /**
     * The given numbers as a normalization of {@code channels} channels.
     *
     * @throws ConfigException if the count fits neither one pair nor one pair per channel
     */
    public Normalization given(int channels) {
        if (!GIVEN.equals(mode)) {
            throw new IllegalStateException("--normalize " + mode + " has no given values");
        }
        int half = values.length / 2;
        if (half == 1) {
            return Normalization.uniform(values[0], values[1], channels);
        }
        if (half != channels) {
            throw new ConfigException(OPTION + " gives " + half + " means and " + half + " stds, but the images have "
                    + channels + " channel(s); give " + channels + " of each, or one MEAN,STD for all");
        }
        return new Normalization(Arrays.copyOfRange(values, 0, half), Arrays.copyOfRange(values, half, values.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NormalizationSetting n && n.mode.equals(mode) && Arrays.equals(n.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * mode.hashCode() + Arrays.hashCode(values);
    }
}
