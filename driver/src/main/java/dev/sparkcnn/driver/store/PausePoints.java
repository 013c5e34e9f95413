package dev.sparkcnn.driver.store;

/**
 * A test hook for the "nothing lost" tests: named points in the middle of a write (between writing
 * a temporary and renaming it, between moving the old directory aside and renaming the new one in,
 * between the steps of a registry promotion). When the system property
 * {@value #PROPERTY} names a point, the process that reaches it prints
 * {@code sparkcnn-paused <point>} on standard output and stops there for good, so the test can kill
 * it (SIGKILL) at exactly that point and check what a crash there leaves. Without the property
 * (always, outside those tests) a point does nothing.
 */
public final class PausePoints {
    public static final String PROPERTY = "sparkcnn.test.pauseAt";
    /** {@link AtomicDirectory}: the new directory's files are written to its temporary name. */
    public static final String DIRECTORY_WRITTEN = "directory-written";
    /** {@link AtomicDirectory}: the old directory was moved aside; the new one is not in place yet. */
    public static final String OLD_MOVED_ASIDE = "old-moved-aside";
    /** {@link AtomicDirectory}: the new directory is in place; the old one is not deleted yet. */
    public static final String NEW_IN_PLACE = "new-in-place";
    /** Registry: a champion entry is written to its temporary name, not yet published. */
    public static final String ENTRY_WRITTEN = "entry-written";
    /** Registry: a champion entry is published under its name (its temporary not yet removed). */
    public static final String ENTRY_PUBLISHED = "entry-published";
    /** Registry: a version's provenance is written into its staging directory, not yet renamed to vN. */
    public static final String PROVENANCE_WRITTEN = "provenance-written";
    /** Registry: the version is renamed into place. */
    public static final String VERSION_PUBLISHED = "version-published";

    private static final String AT = System.getProperty(PROPERTY, "");

    private PausePoints() {
    }

    /** Stops the process here for good if this is the point the test asked for. */
    public static void reached(String point) {
        if (AT.isEmpty() || !AT.equals(point)) {
            return;
        }
        System.out.println("sparkcnn-paused " + point);
        System.out.flush();
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // keep waiting for the kill
            }
        }
    }
}
