package dev.sparkcnn.datasets;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One labelled image as it travels through RDDs: the class index and the raw uint8 pixels in
 * channel-major (CHW) order, exactly as CIFAR and IDX files store them. Nothing else: conversion
 * to floats happens per mini-batch on the executor, never in cached data.
 *
 * <p>Instances are immutable by convention: the pixel array is not copied, and no code may
 * write to it after construction.
 */
public final class ImageRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int label;
    private final byte[] pixels;

    public ImageRecord(int label, byte[] pixels) {
        if (label < 0) {
            throw new IllegalArgumentException("label must be >= 0, got " + label);
        }
        if (pixels == null || pixels.length == 0) {
            throw new IllegalArgumentException("pixels must not be empty");
        }
        this.label = label;
        this.pixels = pixels;
    }

    public int label() {
        return label;
    }

    /** The CHW uint8 pixels; read-only by contract. Use {@code Byte.toUnsignedInt} to read. */
    public byte[] pixels() {
        return pixels;
    }

    /** The pixel at (channel, row, column) for an image of the given height and width, 0..255. */
    public int pixel(int channel, int row, int column, int height, int width) {
        return Byte.toUnsignedInt(pixels[(channel * height + row) * width + column]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageRecord r && r.label == label && Arrays.equals(r.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * label + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "ImageRecord[label=" + label + ", " + pixels.length + " bytes]";
    }
}
