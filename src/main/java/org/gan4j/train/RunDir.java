package org.gan4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.gan4j.config.UserError;

/** The layout of one run's directory (see ARCHITECTURE.md). */
public record RunDir(Path root) {
    public Path config() {
        return root.resolve("config.yaml");
    }

    public Path metrics() {
        return root.resolve("metrics.jsonl");
    }

    public Path samples() {
        return root.resolve("samples");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    public Path latest() {
        return checkpoints().resolve("latest.pt");
    }

    /** The checkpoint with the lowest FID so far (runs with eval.every > 0). */
    public Path best() {
        return checkpoints().resolve("best.pt");
    }

    public Path plots() {
        return root.resolve("plots");
    }

    /** True when the directory exists and holds anything. */
    public boolean inUse() {
        if (!Files.isDirectory(root)) {
            return Files.exists(root);
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            return true;
        }
    }

    /** Creates the directories, or fails naming the one that cannot be written. */
    public void create() {
        for (Path p : new Path[] {root, samples(), checkpoints(), plots()}) {
            try {
                Files.createDirectories(p);
            } catch (IOException e) {
                String why = e instanceof java.nio.file.FileSystemException f && f.getReason() != null
                        ? f.getReason() : e instanceof java.nio.file.FileAlreadyExistsException
                        ? "a file of that name exists" : e.getClass().getSimpleName();
                throw new UserError(p + ": cannot create output directory (" + why + ")");
            }
            if (!Files.isWritable(p)) {
                throw new UserError(p + ": output directory is not writable");
            }
        }
    }

    /** A fresh directory for a new run: {@code base}, or base-2, base-3, ... if taken. */
    public static RunDir fresh(Path base) {
        Path p = base;
        for (int i = 2; new RunDir(p).inUse(); i++) {
            p = base.resolveSibling(base.getFileName() + "-" + i);
        }
        return new RunDir(p);
    }
}
