package org.gan4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.gan4j.data.ArrayDataset;
import org.gan4j.config.Choices;
import org.gan4j.config.UserError;
import org.gan4j.data.Dataset;
import org.gan4j.data.ImageDatasets;
import org.gan4j.eval.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "classifier", description = "The scoring classifier used to judge generated images.",
        subcommands = {ClassifierCommand.Train.class})
final class ClassifierCommand {

    @Command(name = "train", description = "Train a LeNet-style classifier; the last --held-out images measure it.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--dataset", defaultValue = "mnist", description = "mnist or fashion-mnist")
        String dataset;

        @Option(names = "--data", paramLabel = "DIR", description = "Dataset directory (default: the usual search).")
        String data;

        @Option(names = "--out", paramLabel = "FILE", description = "Default: classifiers/DATASET-lenet.pt.")
        Path out;

        @Option(names = "--epochs", defaultValue = "8")
        int epochs;

        @Option(names = "--held-out", defaultValue = "1000")
        int heldOut;

        @Option(names = "--seed", defaultValue = "7")
        long seed;

        @Override
        public Integer call() {
            Choices.Dataset d = DataFetch.parseDataset(dataset);
            ArrayDataset all = ImageDatasets.loadTrain(d, data, 0);
            if (heldOut <= 0 || heldOut >= all.size()) {
                throw new UserError("--held-out: must be in 1.." + (all.size() - 1) + ", got " + heldOut);
            }
            if (epochs <= 0) {
                throw new UserError("--epochs: must be > 0, got " + epochs);
            }
            Classifier.Trained t = Classifier.train(all, heldOut, epochs, seed, System.out::println);
            if (out == null) {
                out = Path.of("classifiers", dataset + "-lenet.pt");
            }
            t.classifier().save(out);
            System.out.printf("held-out accuracy %.4f on %d images (trained on %d); saved %s%n",
                    t.heldOutAccuracy(), t.heldOutSize(), t.trainSize(), out);
            ArrayDataset test = ImageDatasets.loadTestIfPresent(d, data);
            if (test != null) {
                int[] predicted = t.classifier().predict(test.values(), test.size());
                int right = 0;
                for (int i = 0; i < predicted.length; i++) {
                    right += predicted[i] == test.labels()[i] ? 1 : 0;
                }
                System.out.printf("test accuracy %.4f on the %d images of the test split%n",
                        right / (double) test.size(), test.size());
            }
            return 0;
        }
    }
}
