package org.gan4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.pytorch.CompilationUnit;
import org.bytedeco.pytorch.Function;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.QualifiedName;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.Tuple;
import org.bytedeco.pytorch.global.torch;

/**
 * Adam (Kingma &amp; Ba 2015) as torch::optim::Adam computes it, with every parameter updated by
 * one call of libtorch's fused kernel {@code _fused_adam_}: one pass over parameter, gradient and
 * moments instead of ~8 elementwise ops per parameter (DCGAN-28's G: 2.8 -> 1.2 ms a step on
 * 2 cores, seen here). The presets do not map the op, so a TorchScript function calls it. The
 * state is saved in torch::optim::Adam's archive layout: checkpoints load into either.
 */
public final class FusedAdam implements Optim {
    /** Compiled callers by parameter count (the kernel takes lists; TorchScript wants fixed arity). */
    private static final Map<Integer, Function> KERNELS = new ConcurrentHashMap<>();
    private static final List<CompilationUnit> UNITS = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final Tensor[] params;
    private final Tensor[] expAvg;
    private final Tensor[] expAvgSq;
    /** Steps taken per parameter, as the float32 scalars the kernel reads. */
    private final Tensor[] steps;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private double lr;

    public FusedAdam(Tensor[] params, double lr, double beta1, double beta2, double eps) {
        this.params = params;
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        int n = params.length;
        expAvg = new Tensor[n];
        expAvgSq = new Tensor[n];
        steps = new Tensor[n];
        for (int i = 0; i < n; i++) {
            expAvg[i] = torch.zeros_like(params[i]);
            expAvgSq[i] = torch.zeros_like(params[i]);
            steps[i] = torch.zeros(new long[0], new TensorOptions(params[i].device()));
        }
    }

    @Override
    public void zeroGrad() {
        for (Tensor p : params) {
            if (p.grad().defined()) {
                p.mutable_grad().put(new Tensor());
            }
        }
    }

    @Override
    public void step() {
        Tensor[] grads = new Tensor[params.length];
        List<Integer> live = new ArrayList<>(params.length);
        for (int i = 0; i < params.length; i++) {
            grads[i] = params[i].grad();
            if (grads[i].defined()) {
                live.add(i);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        IValueVector args = new IValueVector();
        for (Tensor[] group : new Tensor[][] {params, grads, expAvg, expAvgSq, steps}) {
            for (int i : live) {
                args.push_back(new IValue(group[i]));
            }
        }
        args.push_back(new IValue(lr));
        args.push_back(new IValue(beta1));
        args.push_back(new IValue(beta2));
        args.push_back(new IValue(eps));
        try (NoGradGuard ng = new NoGradGuard()) {
            kernel(live.size()).apply(args);
        }
    }

    /** The compiled caller for {@code n} parameters (compiled once per count, kept for the run). */
    private static Function kernel(int n) {
        return KERNELS.computeIfAbsent(n, FusedAdam::compile);
    }

    private static Function compile(int n) {
        StringBuilder src = new StringBuilder("def step(");
        String[] groups = {"p", "g", "m", "v", "s"};
        for (String g : groups) {
            for (int i = 0; i < n; i++) {
                src.append(g).append(i).append(": Tensor, ");
            }
        }
        src.append("lr: float, beta1: float, beta2: float, eps: float):\n");
        for (String g : groups) {
            src.append("    ").append(g).append("s = [");
            for (int i = 0; i < n; i++) {
                src.append(i > 0 ? ", " : "").append(g).append(i);
            }
            src.append("]\n");
        }
        src.append("    torch._foreach_add_(ss, 1.0)\n");
        src.append("    torch._fused_adam_(ps, gs, ms, vs, [], ss, lr=lr, beta1=beta1, beta2=beta2,"
                + " weight_decay=0.0, eps=eps, amsgrad=False, maximize=False)\n");
        // returned so that TorchScript keeps the in-place calls (it drops them otherwise)
        src.append("    return ps, ms, vs, ss\n");
        // cached across steps: both must outlive the PointerScope of the step that compiled them
        CompilationUnit unit = torch.compile(src.toString()).retainReference();
        UNITS.add(unit); // the function lives in its unit
        return unit.get_function(new QualifiedName("step")).retainReference();
    }

    @Override
    public void setLr(double lr) {
        this.lr = lr;
    }

    @Override
    public double lr() {
        return lr;
    }

    /** Steps taken so far (by the first parameter). */
    public long steps() {
        return (long) steps[0].item_double();
    }

    @Override
    public void save(OutputArchive archive) {
        archive.write("pytorch_version", new IValue("1.5.0"));
        OutputArchive state = new OutputArchive();
        for (int i = 0; i < params.length; i++) {
            long s = (long) steps[i].item_double();
            if (s > 0) {
                OutputArchive ps = new OutputArchive();
                ps.write("step", new IValue(s));
                ps.write("exp_avg", expAvg[i]);
                ps.write("exp_avg_sq", expAvgSq[i]);
                state.write(key(i), ps);
            }
        }
        archive.write("state", state);
        OutputArchive group = new OutputArchive();
        group.write("params/size", longScalar(params.length));
        for (int i = 0; i < params.length; i++) {
            group.write("params/" + i, new IValue(key(i)));
        }
        OutputArchive options = new OutputArchive();
        options.write("lr", new IValue(lr));
        options.write("betas", new IValue(Tuple.create(new IValue(beta1), new IValue(beta2))));
        options.write("eps", new IValue(eps));
        options.write("weight_decay", new IValue(0.0));
        options.write("amsgrad", new IValue(false));
        group.write("options", options);
        OutputArchive groups = new OutputArchive();
        groups.write("param_groups/size", longScalar(1));
        groups.write("param_groups/0", group);
        archive.write("param_groups", groups);
    }

    /** torch::optim keys a parameter's state by the address of its TensorImpl. */
    private String key(int i) {
        return Long.toString(params[i].unsafeGetTensorImpl().address());
    }

    private static Tensor longScalar(long v) {
        return torch.scalar_tensor(new Scalar(v), new TensorOptions(torch.ScalarType.Long));
    }

    @Override
    public void load(InputArchive archive) {
        InputArchive groups = new InputArchive();
        archive.read("param_groups", groups);
        Tensor count = new Tensor();
        groups.read("param_groups/size", count);
        if (count.item_long() != 1) {
            throw new IllegalArgumentException("Adam state has " + count.item_long() + " parameter groups, expected 1");
        }
        InputArchive group = new InputArchive();
        groups.read("param_groups/0", group);
        Tensor size = new Tensor();
        group.read("params/size", size);
        if (size.item_long() != params.length) {
            throw new IllegalArgumentException("Adam state holds " + size.item_long() + " parameters, the network has "
                    + params.length);
        }
        InputArchive options = new InputArchive();
        group.read("options", options);
        IValue savedLr = new IValue();
        options.read("lr", savedLr);
        lr = savedLr.toDouble();
        InputArchive state = new InputArchive();
        archive.read("state", state);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (int i = 0; i < params.length; i++) {
                IValue key = new IValue();
                group.read("params/" + i, key);
                InputArchive ps = new InputArchive();
                if (!state.try_read(key.toStringRef().getString(), ps)) {
                    steps[i].zero_();
                    expAvg[i].zero_();
                    expAvgSq[i].zero_();
                    continue;
                }
                IValue s = new IValue();
                ps.read("step", s);
                steps[i].fill_(new Scalar((double) s.toInt()));
                Tensor t = new Tensor();
                ps.read("exp_avg", t);
                expAvg[i].copy_(t);
                ps.read("exp_avg_sq", t);
                expAvgSq[i].copy_(t);
            }
        }
    }
}
