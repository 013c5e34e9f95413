package dev.sparkcnn.datasets;

/**
 * Geometric transforms of one uint8 image in CHW order (the layout of {@link ImageRecord}),
 * every channel moved alike. Pure functions: the input is never written, each returns a new
 * array of the same size, so augmentation never touches cached records.
 */
public final class ImageTransforms {
    private ImageTransforms() {
    }

    /** The image mirrored left to right: column {@code x} becomes column {@code width - 1 - x}. */
    public static byte[] flipHorizontal(byte[] pixels, int channels, int height, int width) {
        checkShape(pixels, channels, height, width);
        byte[] out = new byte[pixels.length];
        for (int row = 0; row < channels * height; row++) {
            int base = row * width;
            for (int x = 0; x < width; x++) {
                out[base + x] = pixels[base + width - 1 - x];
            }
        }
        return out;
    }

    /**
     * Pad-and-crop: the image padded with {@code pad} zero pixels on every side, then the
     * {@code height x width} window whose top-left corner is at ({@code cropX}, {@code cropY}) of
     * the padded image. So {@code out(y, x) = in(y + cropY - pad, x + cropX - pad)}, or 0 where that
     * falls outside; {@code cropX = cropY = pad} is the identity. Zero padding (as in the ResNet
     * CIFAR recipe) rather than edge copies, so a shift never invents object pixels.
     *
     * @param cropX left edge of the window in the padded image, 0..2·pad
     * @param cropY top edge of the window in the padded image, 0..2·pad
     */
    public static byte[] padCrop(byte[] pixels, int channels, int height, int width, int pad, int cropX, int cropY) {
        checkShape(pixels, channels, height, width);
        if (pad < 0 || cropX < 0 || cropY < 0 || cropX > 2 * pad || cropY > 2 * pad) {
            throw new IllegalArgumentException("crop window (" + cropX + ", " + cropY + ") is outside the image padded by "
                    + pad + " (each must be in 0.." + 2 * pad + ")");
        }
        int dx = cropX - pad;
        int dy = cropY - pad;
        byte[] out = new byte[pixels.length];
        int x0 = Math.max(0, -dx);
        int x1 = Math.min(width, width - dx);
        for (int c = 0; c < channels; c++) {
            int plane = c * height * width;
            for (int y = Math.max(0, -dy); y < Math.min(height, height - dy); y++) {
                if (x1 > x0) {
                    System.arraycopy(pixels, plane + (y + dy) * width + x0 + dx, out, plane + y * width + x0, x1 - x0);
                }
            }
        }
        return out;
    }

    /**
     * Rotation by {@code angle} radians about the image centre (positive = counter-clockwise as
     * displayed, rows top to bottom) combined with zoom: content is magnified by {@code 1 / zoom}
     * (Keras' RandomZoom convention: zoom &gt; 1 zooms out, &lt; 1 zooms in). Each output pixel samples
     * the input bilinearly at its inverse-mapped position; positions outside the image take the
     * nearest edge pixel (Keras' {@code fill_mode="nearest"}), so no black corners appear. With angle
     * 0 and zoom 1 the output equals the input exactly; the centre pixel of an odd-sized image
     * always keeps its value.
     */
    public static byte[] rotateZoom(byte[] pixels, int channels, int height, int width, double angle, double zoom) {
        checkShape(pixels, channels, height, width);
        if (!Double.isFinite(angle) || !(zoom > 0) || !Double.isFinite(zoom)) {
            throw new IllegalArgumentException("rotation needs a finite angle and a zoom > 0, got " + angle + " and "
                    + zoom);
        }
        double cos = Math.cos(angle) * zoom;
        double sin = Math.sin(angle) * zoom;
        double cx = (width - 1) / 2.0;
        double cy = (height - 1) / 2.0;
        int plane = height * width;
        byte[] out = new byte[pixels.length];
        for (int y = 0; y < height; y++) {
            double oy = y - cy;
            for (int x = 0; x < width; x++) {
                double ox = x - cx;
                // inverse of the counter-clockwise (on screen) rotation, scaled by zoom
                double sx = clamp(cx + ox * cos - oy * sin, width - 1);
                double sy = clamp(cy + ox * sin + oy * cos, height - 1);
                int x0 = (int) sx;
                int y0 = (int) sy;
                int x1 = Math.min(x0 + 1, width - 1);
                int y1 = Math.min(y0 + 1, height - 1);
                double fx = sx - x0;
                double fy = sy - y0;
                for (int c = 0; c < channels; c++) {
                    int base = c * plane;
                    double top = value(pixels, base + y0 * width + x0) * (1 - fx) + value(pixels, base + y0 * width + x1) * fx;
                    double bottom = value(pixels, base + y1 * width + x0) * (1 - fx) + value(pixels, base + y1 * width + x1) * fx;
                    out[base + y * width + x] = (byte) Math.min(255, Math.round(top * (1 - fy) + bottom * fy));
                }
            }
        }
        return out;
    }

    private static double clamp(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    private static int value(byte[] pixels, int i) {
        return pixels[i] & 0xFF;
    }

    private static void checkShape(byte[] pixels, int channels, int height, int width) {
        if (channels < 1 || height < 1 || width < 1 || pixels.length != channels * height * width) {
            throw new IllegalArgumentException(pixels.length + " pixel bytes are not a " + channels + "x" + height + "x"
                    + width + " image");
        }
    }
}
