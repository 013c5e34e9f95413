package dev.sparkcnn.driver.registry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The numbered names of a registry, parsed with bounds: version directories and claims
 * {@code v1 … v}{@value #MAX_VERSION} and champion entries {@code champion-000001 …
 * champion-}{@value #MAX_SEQ}. A name that looks like one of ours but is out of range (a file
 * someone put there: {@code v99999999999}, {@code champion-9223372036854775807}) is not ours: it is
 * ignored with a warning (once per path), so it can neither break listing nor make the next number
 * overflow.
 */
final class RegistryNames {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");
    /** The highest version number; nine digits, so the next one never overflows an {@code int}. */
    static final int MAX_VERSION = 999_999_999;
    /** The highest champion entry number. */
    static final long MAX_SEQ = 999_999_999L;
    private static final Pattern VERSION = Pattern.compile("v(\\d+)");
    private static final Pattern SEQ = Pattern.compile(ChampionHistory.PREFIX + "(\\d+)");
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private RegistryNames() {
    }

    /** The version {@code path}'s name stands for, or -1 when it is not a version name (or out of range). */
    static int version(Path path) {
        Matcher m = VERSION.matcher(path.getName());
        if (!m.matches()) {
            return -1;
        }
        long v = bounded(m.group(1), MAX_VERSION);
        if (v < 1) {
            warn(path, "a version number must be 1.." + MAX_VERSION);
            return -1;
        }
        return (int) v;
    }

    /** The entry number {@code path}'s name stands for, or -1 when it is not a champion entry (or out of range). */
    static long seq(Path path) {
        Matcher m = SEQ.matcher(path.getName());
        if (!m.matches()) {
            return -1;
        }
        long seq = bounded(m.group(1), MAX_SEQ);
        if (seq < 1) {
            warn(path, "a champion entry number must be 1.." + MAX_SEQ);
            return -1;
        }
        return seq;
    }

    /** {@code digits} as a number when it is at most {@code max}, else -1; never overflows. */
    private static long bounded(String digits, long max) {
        String trimmed = digits.replaceFirst("^0+(?=.)", "");
        if (trimmed.length() > String.valueOf(max).length()) {
            return -1;
        }
        long v = Long.parseLong(trimmed);
        return v <= max ? v : -1;
    }

    private static void warn(Path path, String why) {
        if (WARNED.add(path.toString())) {
            LOG.warn("{}: ignored, not a registry entry ({}); remove it if nobody needs it", path, why);
        }
    }
}
