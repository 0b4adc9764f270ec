package org.gan4j.nn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.ArchiveWriter;
import org.bytedeco.pytorch.OutputArchive;
import org.gan4j.config.UserError;

/** Writing libtorch archives so that a crash or a full disk never leaves half a file under the real name. */
public final class Archives {
    private Archives() {
    }

    /**
     * Saves to {@code file.tmp}, then renames it over {@code file} in one step. A failed write
     * (a full disk, a read-only directory) removes the temporary file, leaves {@code file} as it
     * was and ends in a {@link UserError} naming the file.
     */
    public static void saveAtomically(OutputArchive archive, Path file) {
        saveAtomically(archive, file, tmp -> { });
    }

    /** As {@link #saveAtomically(OutputArchive, Path)}, {@code readBack} checking the written file before it takes the real name. */
    public static void saveAtomically(OutputArchive archive, Path file, Consumer<Path> readBack) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            // serialised in memory, written by Java: libtorch's own file writer aborts the process
            // when a write fails (a full disk), where Java's raises an IOException
            byte[] bytes = toBytes(archive);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try (PointerScope scope = new PointerScope()) {
                readBack.accept(tmp);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write's own error is the one to report
            }
            throw new UserError(file + ": cannot be written (" + reason(e, file) + ")"
                    + (Files.exists(file) ? "; the previous file is intact" : ""));
        }
    }

    /** The archive as bytes, in memory (libtorch's zip layout, as {@link #saveAtomically} writes it). */
    public static byte[] toBytes(OutputArchive archive) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        try (Collector c = new Collector(out)) {
            archive.save_to(c);
        }
        return out.toByteArray();
    }

    /** Why a write failed, in words: a full disk says how much room is left. */
    public static String reason(Throwable e, Path file) {
        if (e instanceof OutOfMemoryError) {
            return "too large to serialise in this JVM's memory";
        }
        String m = e.getMessage();
        if (e instanceof FileSystemException f && f.getReason() != null) {
            m = f.getReason();
        }
        m = m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m).strip();
        if (m.contains("No space left on device")) {
            try {
                Path dir = file.toAbsolutePath().getParent();
                long free = Files.getFileStore(Files.exists(dir) ? dir : dir.getRoot()).getUsableSpace();
                return "no space left on the device: " + free / 1024 + " KiB free";
            } catch (IOException | RuntimeException ignored) {
                return "no space left on the device";
            }
        }
        return m;
    }

    /** libtorch's writer callback, appending each chunk to a stream. */
    private static final class Collector extends ArchiveWriter {
        private final ByteArrayOutputStream out;

        Collector(ByteArrayOutputStream out) {
            super(); // allocates the native callback
            this.out = out;
        }

        @Override
        public long call(Pointer data, long size) {
            byte[] b = new byte[Math.toIntExact(size)];
            new BytePointer(data).capacity(size).get(b);
            out.write(b, 0, b.length);
            return size;
        }
    }
}
