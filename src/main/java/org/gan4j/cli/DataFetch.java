package org.gan4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.gan4j.config.Choices;
import org.gan4j.config.UserError;
import org.gan4j.data.Fetcher;
import org.gan4j.data.ImageDatasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "fetch", description = "Download a dataset's four IDX files and verify their checksums.")
final class DataFetch implements Callable<Integer> {
    @Parameters(paramLabel = "DATASET", description = "mnist or fashion-mnist")
    String dataset;

    @Option(names = "--dir", paramLabel = "DIR", description = "Root directory (default: ~/.gan4j/data); files go to DIR/<dataset>/.")
    Path dir;

    @Option(names = "--mirror", paramLabel = "URL", description = "Fetch from this base URL instead of the usual mirrors.")
    String mirror;

    static Choices.Dataset parseDataset(String name) {
        for (Choices.Dataset d : new Choices.Dataset[] {Choices.Dataset.MNIST, Choices.Dataset.FASHION_MNIST}) {
            if (d.toString().equals(name)) {
                return d;
            }
        }
        throw new UserError("unknown dataset '" + name + "' (allowed: mnist, fashion-mnist)");
    }

    @Override
    public Integer call() {
        Choices.Dataset d = parseDataset(dataset);
        Fetcher.Source src = Fetcher.source(d);
        if (mirror != null) {
            src = new Fetcher.Source(src.name(), List.of(mirror.endsWith("/") ? mirror : mirror + "/"), src.md5());
        }
        Path root = dir != null ? dir : ImageDatasets.defaultRoot();
        new Fetcher().fetch(src, root.resolve(d.toString()), System.out::println);
        System.out.println(d + " ready in " + root.resolve(d.toString()));
        return 0;
    }
}
