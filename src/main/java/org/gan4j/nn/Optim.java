package org.gan4j.nn;

import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;

/** An optimizer of one network, as the trainer drives it. */
public interface Optim {
    /** Drops the gradients (libtorch's set-to-none: the next backward writes fresh ones). */
    void zeroGrad();

    /** One update from the current gradients; parameters without a gradient are left as they are. */
    void step();

    void setLr(double lr);

    double lr();

    /** Writes the state in torch::optim's archive layout. */
    void save(OutputArchive archive);

    void load(InputArchive archive);

    /** One of libtorch's optimizers. */
    static Optim of(Optimizer opt) {
        return new Optim() {
            @Override
            public void zeroGrad() {
                opt.zero_grad();
            }

            @Override
            public void step() {
                opt.step();
            }

            @Override
            public void setLr(double lr) {
                Optimizers.setLr(opt, lr);
            }

            @Override
            public double lr() {
                return Optimizers.lr(opt);
            }

            @Override
            public void save(OutputArchive archive) {
                opt.save(archive);
            }

            @Override
            public void load(InputArchive archive) {
                opt.load(archive);
            }
        };
    }
}
