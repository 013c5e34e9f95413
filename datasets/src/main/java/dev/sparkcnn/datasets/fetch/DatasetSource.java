package dev.sparkcnn.datasets.fetch;

import java.util.List;

/**
 * Where a dataset is published and how its files become a directory that {@code train --data}
 * reads: either one tar.gz archive that is extracted, or files (gzipped IDX) that are used as they
 * are.
 *
 * @param name    the name on the command line ({@code cifar10}, {@code mnist}, ...)
 * @param baseUrl the URL each file name is appended to; ends with {@code /}
 * @param files   the published files with their checksums
 * @param extract true: every file is a tar.gz archive to extract; false: files are copied as they are
 */
public record DatasetSource(String name, String baseUrl, List<RemoteFile> files, boolean extract) {

    public DatasetSource {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a dataset source needs a name");
        }
        if (files == null || files.isEmpty()) {
            throw new IllegalArgumentException(name + ": a dataset source needs at least one file");
        }
        baseUrl = withSlash(baseUrl);
        files = List.copyOf(files);
    }

    /** The same files from another base URL (a mirror). */
    public DatasetSource withBaseUrl(String mirror) {
        return new DatasetSource(name, mirror, files, extract);
    }

    /** The full URL of one file. */
    public String url(RemoteFile file) {
        return baseUrl + file.fileName();
    }

    private static String withSlash(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("a dataset source needs a base URL");
        }
        return url.endsWith("/") ? url : url + "/";
    }
}
