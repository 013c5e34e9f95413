package dev.sparkcnn.driver.config;

import java.util.List;

/** What reading image folders does with an image that does not decode ({@code --on-bad-record}). */
public enum BadRecordPolicy implements Choices.Named {
    FAIL("fail"),
    SKIP("skip");

    private final String id;

    BadRecordPolicy(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    public static List<String> ids() {
        return Choices.ids(values());
    }

    /** @throws ConfigException naming {@code --on-bad-record} if the id is unknown */
    public static BadRecordPolicy of(String id) {
        BadRecordPolicy p = Choices.find(values(), id);
        Choices.require(p != null, "--on-bad-record", "'" + id + "' is not a policy; use fail or skip");
        return p;
    }
}
