package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Net;
import org.gan4j.nn.Sequential;

/**
 * Residual block of the SNGAN ResNets (Miyato et al. 2018, appendix B; Gulrajani et al. 2017):
 * x + F(x), F = [BN] ReLU [up] conv3x3 [BN] ReLU conv3x3 [down]; a 1x1 conv shortcut (with the
 * same resampling) when channels or size change. Generator blocks use BN and upsampling,
 * discriminator blocks no BN, optional spectral norm and average-pool downsampling.
 */
final class ResBlock extends Net {
    private final Sequential residual;
    private final Sequential shortcut;

    private ResBlock(Sequential residual, Sequential shortcut) {
        this.residual = child("residual", residual);
        this.shortcut = shortcut == null ? null : child("shortcut", shortcut);
    }

    /** Generator block: upsamples by 2. */
    static ResBlock up(long in, long out) {
        Sequential r = new Sequential(Layers.batchNorm(in), Layers.relu(), Layers.upsample2x(),
                Layers.conv2d(in, out, 3, 1, 1), Layers.batchNorm(out), Layers.relu(),
                Layers.conv2d(out, out, 3, 1, 1));
        Sequential sc = new Sequential(Layers.upsample2x(), Layers.conv2d(in, out, 1, 1, 0));
        return new ResBlock(r, sc);
    }

    /**
     * Discriminator block; {@code first} is the "optimized" input block (no ReLU before the
     * first conv, shortcut pooled before its conv).
     */
    static ResBlock down(long in, long out, boolean downsample, boolean first, DOptions o) {
        Sequential r = new Sequential();
        if (!first) {
            r.add(Layers.relu());
        }
        r.add(o.sn(Layers.conv2d(in, out, 3, 1, 1))).add(Layers.relu()).add(o.sn(Layers.conv2d(out, out, 3, 1, 1)));
        if (downsample) {
            r.add(Layers.avgPool2x());
        }
        Sequential sc = null;
        if (first) {
            sc = new Sequential(Layers.avgPool2x(), o.sn(Layers.conv2d(in, out, 1, 1, 0)));
        } else if (in != out || downsample) {
            sc = new Sequential(o.sn(Layers.conv2d(in, out, 1, 1, 0)));
            if (downsample) {
                sc.add(Layers.avgPool2x());
            }
        }
        return new ResBlock(r, sc);
    }

    @Override
    public Tensor forward(Tensor x) {
        return residual.forward(x).add(shortcut == null ? x : shortcut.forward(x));
    }
}
