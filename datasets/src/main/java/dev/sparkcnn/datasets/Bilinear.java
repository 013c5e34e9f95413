package dev.sparkcnn.datasets;

/**
 * Bilinear resizing of 8-bit images in plain Java. {@code AffineTransformOp}'s native path fails on
 * some valid shapes (a 16 x 32768 grey image throws ImagingOpException) and then leaves the JVM
 * unable to finish its next garbage collection: every allocating thread hangs.
 */
public final class Bilinear {
    private Bilinear() {
    }

    /** As {@link #resize(byte[], int, int, int, int, int)} to a square {@code size x size}. */
    public static byte[] resize(byte[] src, int width, int height, int channels, int size) {
        return resize(src, width, height, channels, size, size);
    }

    /**
     * @param src interleaved pixels, {@code src[(y * width + x) * channels + c]}
     * @return the {@code outWidth x outHeight} image, channel by channel (CHW):
     *         {@code out[(c * outHeight + y) * outWidth + x]}
     */
    public static byte[] resize(byte[] src, int width, int height, int channels, int outWidth, int outHeight) {
        byte[] out = new byte[channels * outWidth * outHeight];
        double sx = (double) width / outWidth;
        double sy = (double) height / outHeight;
        int plane = outWidth * outHeight;
        for (int y = 0; y < outHeight; y++) {
            double fy = clamp((y + 0.5) * sy - 0.5, height - 1);
            int y0 = (int) fy;
            int y1 = Math.min(y0 + 1, height - 1);
            double ty = fy - y0;
            for (int x = 0; x < outWidth; x++) {
                double fx = clamp((x + 0.5) * sx - 0.5, width - 1);
                int x0 = (int) fx;
                int x1 = Math.min(x0 + 1, width - 1);
                double tx = fx - x0;
                for (int c = 0; c < channels; c++) {
                    double top = (1 - tx) * at(src, y0, x0, width, channels, c) + tx * at(src, y0, x1, width, channels, c);
                    double bottom = (1 - tx) * at(src, y1, x0, width, channels, c)
                            + tx * at(src, y1, x1, width, channels, c);
                    long v = Math.round((1 - ty) * top + ty * bottom);
                    out[c * plane + y * outWidth + x] = (byte) Math.max(0, Math.min(255, v));
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
