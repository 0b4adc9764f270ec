package org.gan4j.data;

import org.gan4j.config.ExperimentConfig;

/** Loads the dataset an experiment names. */
public final class Datasets {
    private Datasets() {
    }

    public static Dataset load(ExperimentConfig config) {
        ExperimentConfig.Data d = config.data();
        return switch (d.dataset()) {
            case MNIST, FASHION_MNIST -> ImageDatasets.loadTrain(d.dataset(), d.path(), d.limit());
            case STACKED_MNIST -> StackedMnist.build(
                    ImageDatasets.loadTrain(org.gan4j.config.Choices.Dataset.MNIST, d.path(), d.limit()),
                    d.stackedSamples(), config.seed());
            case CIFAR10 -> Cifar10.loadTrain(d.path(), d.limit());
            case IMAGE_FOLDER -> ImageFolder.load(d.path(), (int) config.model().architecture().sampleShape(d.dataset())[1], d.limit());
            case RING8 -> ToyMixtures.ring8(d.toySamples(), config.seed());
            case GRID25 -> ToyMixtures.grid25(d.toySamples(), config.seed());
        };
    }
}
