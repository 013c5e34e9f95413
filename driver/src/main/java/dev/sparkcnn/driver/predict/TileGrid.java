package dev.sparkcnn.driver.predict;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/** Pictures of equal size laid out in rows on a white sheet, with a gap between them. */
public final class TileGrid {
    public static final int GAP = 8;

    private TileGrid() {
    }

    /** Where tile {@code i}'s top-left corner lands in a grid of {@code columns} columns. */
    public static java.awt.Point origin(int i, int columns, int tileWidth, int tileHeight) {
        return new java.awt.Point(GAP + (i % columns) * (tileWidth + GAP), GAP + (i / columns) * (tileHeight + GAP));
    }

    /** The tiles in rows of {@code columns}, each in a cell the size of the largest. */
    public static BufferedImage compose(List<BufferedImage> tiles, int columns) {
        if (tiles.isEmpty()) {
            throw new IllegalArgumentException("no tiles to lay out");
        }
        int tw = tiles.stream().mapToInt(BufferedImage::getWidth).max().orElseThrow();
        int th = tiles.stream().mapToInt(BufferedImage::getHeight).max().orElseThrow();
        int cols = Math.min(columns, tiles.size());
        int rows = (tiles.size() + cols - 1) / cols;
        BufferedImage sheet = new BufferedImage(GAP + cols * (tw + GAP), GAP + rows * (th + GAP),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            for (int i = 0; i < tiles.size(); i++) {
                java.awt.Point at = origin(i, cols, tw, th);
                g.drawImage(tiles.get(i), at.x, at.y, null);
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }
}
