package org.gan4j.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.bytedeco.pytorch.OutputArchive;

/** Writing libtorch archives so that a crash never leaves half a file under the real name. */
public final class Archives {
    private Archives() {
    }

    /** Saves to {@code file.tmp}, then renames it over {@code file} in one step. */
    public static void saveAtomically(OutputArchive archive, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        archive.save_to(tmp.toString());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
