package org.gan4j.models;

import org.gan4j.nn.Layers;
import org.gan4j.nn.Net;

/** Weight initialisations from the papers. */
final class Init {
    private Init() {
    }

    /** Radford et al. 2015, section 4: weights N(0, 0.02); BN scale N(1, 0.02), shift 0. */
    static void dcgan(Net m) {
        if (m instanceof Layers.Conv2d c) {
            org.gan4j.nn.Init.normal(c.weight, 0, 0.02);
            if (c.bias != null) {
                org.gan4j.nn.Init.zero(c.bias);
            }
        } else if (m instanceof Layers.Linear l) {
            org.gan4j.nn.Init.normal(l.weight, 0, 0.02);
            if (l.bias != null) {
                org.gan4j.nn.Init.zero(l.bias);
            }
        } else if (m instanceof Layers.BatchNorm b) {
            org.gan4j.nn.Init.normal(b.weight, 1, 0.02);
            org.gan4j.nn.Init.zero(b.bias);
        }
        m.subnets().forEach(Init::dcgan);
    }
}
