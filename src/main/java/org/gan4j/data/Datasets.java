package org.gan4j.data;

import org.gan4j.config.ExperimentConfig;

/** Loads the dataset an experiment names. */
public final class Datasets {
    private Datasets() {
    }

    /**
     * The first {@code limit} MNIST training digits (0: all 60,000), (1, 28, 28) in [-1, 1] with
     * their labels, from the usual search path ($GAN4J_DATA/mnist, ~/.gan4j/data/mnist, ...).
     */
    public static ArrayDataset mnist(int limit) {
        return ImageDatasets.loadTrain(org.gan4j.config.Choices.Dataset.MNIST, null, limit);
    }

    /** The first {@code limit} Fashion-MNIST training images (0: all), as {@link #mnist}. */
    public static ArrayDataset fashionMnist(int limit) {
        return ImageDatasets.loadTrain(org.gan4j.config.Choices.Dataset.FASHION_MNIST, null, limit);
    }

    /** The dataset an experiment names, as its data section says. */
    public static ArrayDataset load(ExperimentConfig config) {
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
