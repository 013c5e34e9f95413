package dev.sparkcnn.driver.registry;

/**
 * One entry of a model's champion history ({@code champion-<seq>}): from its sequence number on,
 * {@code version} is the champion, until a later valid entry.
 *
 * @param seq        position in the history, from 1
 * @param version    the champion version
 * @param action     {@code promote} or {@code rollback}
 * @param reason     why, for people reading the history
 * @param time       when (ISO-8601, UTC)
 * @param by         the process that wrote it ({@code pid@host})
 * @param rollbackTo the entry a rollback from here returns to (0: none); a rollback entry
 *                   inherits the one of the entry it restored, so repeated rollbacks walk back
 *                   through the history instead of swapping two versions
 */
public record ChampionEntry(long seq, int version, String action, String reason, String time, String by,
                            long rollbackTo) {
    public static final String PROMOTE = "promote";
    public static final String ROLLBACK = "rollback";
}
