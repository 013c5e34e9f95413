package dev.sparkcnn.driver.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded mutations of a valid file: byte flips, truncation, insertion, deletion and duplication of
 * runs, and, for text, numbers swapped for extreme values and tokens dropped; the same seed gives
 * the same inputs, so a failure is reproducible from its index.
 */
public final class Mutator {
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
    private static final String[] EXTREMES = {"0", "-1", "1", "2", "2147483647", "-2147483648", "2147483648",
        "9223372036854775807", "99999999999999999999999", "1e308", "-1e308", "1e-320", "0.0", "NaN", "null", "\"\"",
        "20000000", "65536", "[]", "{}", "true"};
    private static final String[] TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "null", "\\u0000", "\"x\":1,",
        "{\"a\":", "[[[[[[[[[[[[[[[[", "\uD800"};

    private final Random random;

    public Mutator(long seed) {
        this.random = new Random(seed);
    }

    /** One to four byte-level mutations of {@code seed}. */
    public byte[] bytes(byte[] seed) {
        byte[] out = seed.clone();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            out = once(out);
        }
        return out;
    }

    /** A text mutation (numbers and tokens) or, one time in three, a byte-level one. */
    public byte[] json(byte[] seed) {
        if (random.nextInt(3) == 0) {
            return bytes(seed);
        }
        String text = new String(seed, StandardCharsets.UTF_8);
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            text = random.nextBoolean() ? replaceNumber(text) : insertToken(text);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private String replaceNumber(String text) {
        Matcher m = NUMBER.matcher(text);
        int count = 0;
        while (m.find()) {
            count++;
        }
        if (count == 0) {
            return text;
        }
        int pick = random.nextInt(count);
        m.reset();
        for (int i = 0; i <= pick; i++) {
            m.find();
        }
        return text.substring(0, m.start()) + EXTREMES[random.nextInt(EXTREMES.length)] + text.substring(m.end());
    }

    private String insertToken(String text) {
        int at = random.nextInt(text.length() + 1);
        if (random.nextBoolean() && at < text.length()) {
            int end = Math.min(text.length(), at + 1 + random.nextInt(16));
            return text.substring(0, at) + text.substring(end); // drop a run
        }
        return text.substring(0, at) + TOKENS[random.nextInt(TOKENS.length)] + text.substring(at);
    }

    private byte[] once(byte[] in) {
        if (in.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        int at = random.nextInt(in.length);
        switch (random.nextInt(6)) {
            case 0: { // flip bits
                byte[] out = in.clone();
                out[at] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 1: { // an extreme byte
                byte[] out = in.clone();
                out[at] = (byte) (random.nextBoolean() ? 0xff : (random.nextBoolean() ? 0x7f : 0x00));
                return out;
            }
            case 2: // truncate
                return Arrays.copyOf(in, at);
            case 3: { // insert random bytes
                byte[] extra = new byte[1 + random.nextInt(8)];
                random.nextBytes(extra);
                return splice(in, at, 0, extra);
            }
            case 4: // delete a run
                return splice(in, at, Math.min(in.length - at, 1 + random.nextInt(16)), new byte[0]);
            default: { // duplicate a run
                int len = Math.min(in.length - at, 1 + random.nextInt(64));
                return splice(in, at, 0, Arrays.copyOfRange(in, at, at + len));
            }
        }
    }

    private static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
        byte[] out = new byte[in.length - remove + insert.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
        return out;
    }
}
