package org.gan4j.nn;

import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.RMSprop;
import org.bytedeco.pytorch.RMSpropOptions;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.TensorVector;
import org.gan4j.config.Choices.OptimizerKind;
import org.gan4j.config.ExperimentConfig;

/** The one place optimizer options are filled in. */
public final class Optimizers {
    private Optimizers() {
    }

    /** Adam (Kingma and Ba 2015) with eps 1e-8; DCGAN's setting is lr 2e-4, beta1 0.5, beta2 0.999. */
    public static ExperimentConfig.Optimizer adam(double lr, double beta1, double beta2) {
        return new ExperimentConfig.Optimizer(OptimizerKind.ADAM, lr, beta1, beta2, 0.0, 0.99, 1e-8);
    }

    /** RMSprop (WGAN's, lr 5e-5 in Arjovsky et al. 2017), alpha 0.99, eps 1e-8, no momentum. */
    public static ExperimentConfig.Optimizer rmsprop(double lr) {
        return new ExperimentConfig.Optimizer(OptimizerKind.RMSPROP, lr, 0.5, 0.999, 0.0, 0.99, 1e-8);
    }

    /**
     * The optimizer a trainer drives: Adam on the CPU fused into one kernel call per step
     * ({@link FusedAdam}), everything else libtorch's own.
     */
    public static Optim forTraining(Net net, ExperimentConfig.Optimizer o, org.bytedeco.pytorch.Device device) {
        if (o.name() == OptimizerKind.ADAM && device.is_cpu()) {
            return new FusedAdam(Params.of(net), o.lr(), o.beta1(), o.beta2(), o.eps());
        }
        return Optim.of(create(net, o));
    }

    /** libtorch's optimizer for {@code o} (what a plain libtorch loop would use). */
    public static Optimizer create(Net net, ExperimentConfig.Optimizer o) {
        TensorVector params = net.parameters();
        return switch (o.name()) {
            case ADAM -> new Adam(params, adamOptions(o.lr(), o.beta1(), o.beta2(), o.eps()));
            case RMSPROP -> {
                RMSpropOptions opts = new RMSpropOptions(o.lr());
                opts.alpha().put(o.alpha());
                opts.eps().put(o.eps());
                opts.momentum().put(o.momentum());
                yield new RMSprop(params, opts);
            }
            case SGD -> {
                SGDOptions opts = new SGDOptions(o.lr());
                opts.momentum().put(o.momentum());
                yield new SGD(params, opts);
            }
        };
    }

    /** Sets the learning rate of every parameter group (schedules call it each step). */
    public static void setLr(Optimizer opt, double lr) {
        org.bytedeco.pytorch.OptimizerParamGroupVector groups = opt.param_groups();
        for (long i = 0; i < groups.size(); i++) {
            groups.get(i).options().set_lr(lr);
        }
    }

    /** The learning rate of the first parameter group. */
    public static double lr(Optimizer opt) {
        return opt.param_groups().get(0).options().get_lr();
    }

    /**
     * Adam's options. {@code betas()} is a raw view of a C++ {@code std::tuple<double,double>},
     * which libstdc++ lays out last element first: index 0 is beta2, index 1 is beta1.
     */
    public static AdamOptions adamOptions(double lr, double beta1, double beta2, double eps) {
        AdamOptions opts = new AdamOptions(lr);
        opts.betas().put(0, beta2).put(1, beta1);
        opts.eps().put(eps);
        return opts;
    }

    /** Reads (beta1, beta2) back from options, undoing the tuple's layout. */
    public static double[] adamBetas(AdamOptions opts) {
        return new double[] {opts.betas().get(1), opts.betas().get(0)};
    }
}
