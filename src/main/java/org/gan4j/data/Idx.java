package org.gan4j.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for the IDX format of MNIST and Fashion-MNIST (LeCun's format: a big-endian magic
 * 0x000008DD with type byte 0x08 = unsigned byte and D dimensions, then D big-endian sizes, then
 * the data). Gzip-compressed files are recognised by their header, whatever their name.
 */
public final class Idx {
    /** Unsigned-byte data with its dimensions. */
    public record Array(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }
    }

    private Idx() {
    }

    /** Reads an IDX file of unsigned bytes with exactly {@code expectedDims} dimensions. */
    public static Array read(Path file, int expectedDims) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
            DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16));
            int magic = data.readInt();
            int expectedMagic = 0x00000800 | expectedDims;
            if (magic != expectedMagic) {
                throw new DataException(file + ": wrong IDX magic 0x" + String.format("%08x", magic)
                        + " (expected 0x" + String.format("%08x", expectedMagic) + ": unsigned bytes, "
                        + expectedDims + " dimensions)");
            }
            int[] dims = new int[expectedDims];
            long total = 1;
            for (int i = 0; i < expectedDims; i++) {
                dims[i] = data.readInt();
                if (dims[i] <= 0) {
                    throw new DataException(file + ": dimension " + i + " is " + dims[i]);
                }
                total *= dims[i];
                // checked at each factor: three dimensions near 2^31 would overflow a long
                if (total > Integer.MAX_VALUE - 8) {
                    throw new DataException(file + ": dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                            + " make too many values for one array");
                }
            }
            // grown as the bytes arrive: a header promising 2 GB in a small file allocates no 2 GB
            byte[] values = data.readNBytes((int) total);
            int got = values.length;
            if (got < total) {
                throw new DataException(file + ": truncated: header promises " + total
                        + " values, file holds " + got);
            }
            if (data.read() != -1) {
                throw new DataException(file + ": longer than its header says (" + total + " values)");
            }
            return new Array(dims, values);
        } catch (EOFException e) {
            throw new DataException(file + ": truncated inside the IDX header");
        } catch (ZipException e) {
            throw new DataException(file + ": corrupt gzip data (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
