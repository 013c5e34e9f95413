package dev.sparkcnn.driver.predict;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * An input image enlarged (nearest neighbour, so pixels stay visible) with its prediction written
 * under it and, when the true label is known, the truth: a green frame for a right answer, a red
 * frame and a cross for a wrong one, grey when the truth is unknown. Used by {@code predict --show}
 * and for the tiles of the report's image grid.
 */
public final class PredictionPicture {
    public static final Color RIGHT = new Color(0x2E7D32);
    public static final Color WRONG = new Color(0xD32F2F);
    public static final Color UNKNOWN = new Color(0x757575);
    /** Frame width in pixels. */
    public static final int FRAME = 4;

    private PredictionPicture() {
    }

    /** The frame colour that says whether {@code p} is right, wrong, or of unknown truth. */
    public static Color verdict(Prediction p) {
        return !p.knowsTruth() ? UNKNOWN : p.misclassified() ? WRONG : RIGHT;
    }

    /**
     * Draws one picture.
     *
     * @param image      the input at its own size
     * @param imageSide  the side of the square the image is scaled into
     * @param classNames names by class index
     */
    public static BufferedImage render(BufferedImage image, int imageSide, Prediction p, List<String> classNames) {
        int fontSize = Math.max(11, imageSide / 11);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, fontSize);
        int lineHeight = fontSize + fontSize / 3;
        int lines = p.knowsTruth() ? 2 : 1;
        int width = imageSide + 2 * FRAME;
        int height = imageSide + 2 * FRAME + lines * lineHeight + fontSize / 2;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            Color verdict = verdict(p);
            g.setColor(verdict);
            g.fillRect(0, 0, width, imageSide + 2 * FRAME);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(image, FRAME, FRAME, imageSide, imageSide, null);
            if (p.misclassified()) {
                cross(g, imageSide);
            }
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(font);
            FontMetrics fm = g.getFontMetrics();
            int y = imageSide + 2 * FRAME + fm.getAscent() + 2;
            g.setColor(p.misclassified() ? WRONG : Color.BLACK);
            text(g, fm, String.format(Locale.ROOT, "%s %.1f%%", name(classNames, p.predicted()),
                    100.0 * p.confidence()), width, y);
            if (p.knowsTruth()) {
                g.setColor(UNKNOWN);
                text(g, fm, "true: " + name(classNames, p.trueLabel()), width, y + lineHeight);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The class's name, or its index when the model has fewer names. */
    public static String name(List<String> classNames, int label) {
        return label < classNames.size() ? classNames.get(label) : Integer.toString(label);
    }

    private static void cross(Graphics2D g, int side) {
        int s = Math.max(8, side / 6);
        g.setColor(WRONG);
        g.setStroke(new BasicStroke(Math.max(2f, side / 40f)));
        int x = FRAME + side - s - 2;
        int y = FRAME + 2;
        g.drawLine(x, y, x + s, y + s);
        g.drawLine(x + s, y, x, y + s);
    }

    /** Centred text, shortened with an ellipsis when it would not fit. */
    private static void text(Graphics2D g, FontMetrics fm, String s, int width, int baseline) {
        String t = s;
        while (fm.stringWidth(t) > width - 4 && t.length() > 2) {
            t = t.substring(0, t.length() - 2) + "…";
        }
        g.drawString(t, Math.max(2, (width - fm.stringWidth(t)) / 2), baseline);
    }
}
