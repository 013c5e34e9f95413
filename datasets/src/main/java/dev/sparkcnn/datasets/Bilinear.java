package dev.sparkcnn.datasets;

/**
 * Bilinear resizing of 8-bit images in plain Java. {@code AffineTransformOp}'s native path fails on
 * some valid shapes (a 16 x 32768 grey image throws ImagingOpException) and then leaves the JVM
 * unable to finish its next garbage collection: every allocating thread hangs.
 */
final class Bilinear {
    private Bilinear() {
    }

    /**
     * @param src      interleaved pixels, {@code src[(y * width + x) * channels + c]}
     * @param size     the side of the square result
     * @return the resized image, channel by channel (CHW): {@code out[c * size * size + y * size + x]}
     */
    static byte[] resize(byte[] src, int width, int height, int channels, int size) {
        byte[] out = new byte[channels * size * size];
        double sx = (double) width / size;
        double sy = (double) height / size;
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            double fy = clamp((y + 0.5) * sy - 0.5, height - 1);
            int y0 = (int) fy;
            int y1 = Math.min(y0 + 1, height - 1);
            double ty = fy - y0;
            for (int x = 0; x < size; x++) {
                double fx = clamp((x + 0.5) * sx - 0.5, width - 1);
                int x0 = (int) fx;
                int x1 = Math.min(x0 + 1, width - 1);
                double tx = fx - x0;
                for (int c = 0; c < channels; c++) {
                    double top = (1 - tx) * at(src, y0, x0, width, channels, c) + tx * at(src, y0, x1, width, channels, c);
                    double bottom = (1 - tx) * at(src, y1, x0, width, channels, c)
                            + tx * at(src, y1, x1, width, channels, c);
                    long v = Math.round((1 - ty) * top + ty * bottom);
                    out[c * plane + y * size + x] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return out;
    }

    private static double clamp(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    private static int at(byte[] src, int y, int x, int width, int channels, int c) {
        return src[((y * width) + x) * channels + c] & 0xFF;
    }
}
