package dev.sparkcnn.datasets.format;

/** A command-line setting that only some formats accept; giving it for another format is refused. */
public enum FormatOption {
    /** CIFAR-100's {@code fine} or {@code coarse} labels. */
    LABEL_SET("--label-set"),
    /** The side image folders are resized to. */
    IMAGE_SIZE("--image-size");

    private final String flag;

    FormatOption(String flag) {
        this.flag = flag;
    }

    /** The option as written on the command line. */
    public String flag() {
        return flag;
    }
}
