package dev.sparkcnn.datasets.fetch;

import dev.sparkcnn.datasets.UsageException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The datasets {@code data fetch} knows, by name. {@link #published()} holds the official URLs and
 * the publishers' checksums; tests build their own catalogue pointing at a local server with the
 * checksums of their fixture archives, so the same download code is exercised without the network.
 */
public final class Catalogue {
    private static final long MB = 1L << 20;
    private static final String KRIZ = "https://www.cs.toronto.edu/~kriz/";
    private static final String MNIST = "https://ossci-datasets.s3.amazonaws.com/mnist/";
    private static final String FASHION = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    private final Map<String, DatasetSource> sources;
    private final List<String> names;

    public Catalogue(List<DatasetSource> sources) {
        Map<String, DatasetSource> byName = new LinkedHashMap<>();
        for (DatasetSource s : sources) {
            if (byName.put(s.name(), s) != null) {
                throw new UsageException("two dataset sources are called " + s.name());
            }
        }
        this.sources = Map.copyOf(byName);
        this.names = List.copyOf(byName.keySet());
    }

    /**
     * The official archives with the checksums their publishers list (the same ones torchvision
     * checks) and a size cap each, a little above the published size (CIFAR-10's archive is 162 MB,
     * CIFAR-100's 161 MB, MNIST's training images 9.5 MB, Fashion-MNIST's 25.2 MB).
     */
    public static Catalogue published() {
        return new Catalogue(List.of(
                new DatasetSource("cifar10", KRIZ,
                        List.of(new RemoteFile("cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530",
                                200 * MB)), true),
                new DatasetSource("cifar100", KRIZ,
                        List.of(new RemoteFile("cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8",
                                200 * MB)), true),
                new DatasetSource("mnist", MNIST, List.of(
                        new RemoteFile("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873", 16 * MB),
                        new RemoteFile("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432", MB),
                        new RemoteFile("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3", 4 * MB),
                        new RemoteFile("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c", MB)), false),
                new DatasetSource("fashion-mnist", FASHION, List.of(
                        new RemoteFile("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", 32 * MB),
                        new RemoteFile("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe", MB),
                        new RemoteFile("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79", 8 * MB),
                        new RemoteFile("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310", MB)), false)));
    }

    /** The names, in catalogue order. */
    public List<String> names() {
        return names;
    }

    /**
     * The source called {@code name}.
     *
     * @throws IllegalArgumentException naming the known datasets when there is none
     */
    public DatasetSource source(String name) {
        DatasetSource s = sources.get(name);
        if (s == null) {
            throw new UsageException("unknown dataset '" + name + "'; use one of " + String.join(", ", names));
        }
        return s;
    }
}
