package org.gan4j.models;

import org.gan4j.config.ExperimentConfig;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Net;

/** What a config asks of any discriminator: spectral norm, minibatch std, packing. */
public record DOptions(boolean spectralNorm, boolean minibatchStd, int packing) {
    /** Group size of the minibatch-std layer (Karras et al. use 4). */
    static final int STD_GROUP = 4;

    public static final DOptions PLAIN = new DOptions(false, false, 1);

    public static DOptions of(ExperimentConfig.Model m) {
        return new DOptions(m.spectralNorm(), m.minibatchStd(), m.packing());
    }

    /** The layer, spectrally normalised when asked. */
    <L extends Net> L sn(L layer) {
        return spectralNorm ? Layers.spectralNorm(layer) : layer;
    }
}
