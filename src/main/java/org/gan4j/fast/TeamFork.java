package org.gan4j.fast;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Func;
import org.bytedeco.pytorch.MemCopyFunction;
import org.bytedeco.pytorch.PlacementConsumer;
import org.bytedeco.pytorch.PointerConsumer;
import org.bytedeco.pytorch.SizeTSupplier;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.nn.DropoutMask;
import org.gan4j.nn.Natives;

/**
 * Two independent pieces of libtorch work at once, each on one thread of libtorch's own OpenMP
 * team (two intra-op threads). Split over two threads, a DCGAN layer leaves one of them waiting
 * at the end of each of its parallel regions (~22% of the second vCPU's time here); two whole
 * passes side by side, one thread each, do not wait for each other. Plain Java threads cannot
 * do this: libgomp's idle worker spins for milliseconds after each region and takes a third of a
 * vCPU from them. So the two branches run as the two threads of one region of the team itself,
 * opened through libgomp's {@code GOMP_parallel_start}/{@code GOMP_parallel_end}, reached by
 * address through function-pointer classes the presets already compile (their native {@code
 * call} invokes whatever function the pointer holds; no compiler is needed at build time).
 *
 * <p>Each branch first sets its own thread count to one: inside the region libtorch runs its
 * loops inline, but oneDNN plans kernels by {@code omp_get_max_threads()}, and a two-thread
 * weight-gradient kernel run by one thread waits at its barrier forever. Each branch has its
 * own {@link PointerScope}; what it returns moves to the caller's scope. Dropout masks drawn
 * in a branch take their seeds from a stream the caller seeded for that branch, so results do
 * not depend on which thread ran first.
 *
 * <p>The first fork of each kind of work (a caller's key: its site and input shapes) runs its
 * branches one after the other on one thread of the region: libtorch 2.10's oneDNN, creating
 * the same convolution's primitives on both threads at once, now and then picks another kernel
 * (D-28's first-layer input gradient: brgemm instead of its jit kernel, seen in 3 of 6 runs of
 * 40 new shapes each), and that kernel dereferenced null and killed the JVM (once in a `bench
 * step` here). Once made, the primitives come from oneDNN's cache, which both threads may read.
 */
public final class TeamFork {
    private TeamFork() {
    }

    private static final MemCopyFunction START; // GOMP_parallel_start(void (*fn)(void *), void *data, unsigned n)
    private static final Func END; // GOMP_parallel_end()
    private static final PlacementConsumer SET_THREADS; // omp_set_num_threads(int), the int in the pointer slot
    private static final SizeTSupplier MAX_THREADS; // omp_get_max_threads(), what oneDNN plans by
    private static final Body BODY;
    private static final Pointer BODY_FN;
    private static final Pointer ONE = intArgument(1);
    /** libgomp found, and the same runtime as libtorch's (checked once). */
    private static final boolean USABLE;

    static {
        Natives.load();
        Pointer start = Loader.addressof("GOMP_parallel_start");
        Pointer end = Loader.addressof("GOMP_parallel_end");
        Pointer setn = Loader.addressof("omp_set_num_threads");
        Pointer maxn = Loader.addressof("omp_get_max_threads");
        if (start == null || end == null || setn == null || maxn == null || start.isNull() || end.isNull()
                || setn.isNull() || maxn.isNull()) {
            MAX_THREADS = null;
            START = null;
            END = null;
            SET_THREADS = null;
            BODY = null;
            BODY_FN = null;
        } else {
            // a function-pointer object's memory holds the function's address first
            START = new MemCopyFunction(slot(start));
            END = new Func(slot(end));
            SET_THREADS = new PlacementConsumer(slot(setn));
            MAX_THREADS = new SizeTSupplier(slot(maxn));
            BODY = new Body();
            BODY.retainReference(); // lives as long as the class, whatever scope first loaded it
            BODY_FN = new PointerPointer<Pointer>(BODY).get(0);
        }
        USABLE = START != null && sameRuntime();
    }

    /** An int passed where the callee's first argument is an int: the pointer's address. */
    private static Pointer intArgument(int v) {
        return new Pointer() {
            {
                address = v;
            }
        };
    }

    /**
     * True when the OpenMP runtime reached here is the one libtorch runs on: a thread count set
     * through it reads back through libtorch. A second libgomp in the process would open regions
     * of another team, whose thread counts oneDNN never sees.
     */
    private static boolean sameRuntime() {
        int before = torch.get_num_threads(); // also runs libtorch's per-thread initialisation
        SET_THREADS.call(intArgument(before + 1), 0);
        boolean same = torch.get_num_threads() == before + 1 && ompMaxThreads() == before + 1;
        SET_THREADS.call(intArgument(before), 0);
        return same && torch.get_num_threads() == before;
    }

    private static Pointer slot(Pointer function) {
        PointerPointer<Pointer> p = new PointerPointer<>(1);
        p.retainReference();
        p.put(0, function);
        return p;
    }

    /** Called by libgomp on the team's worker thread. */
    private static final class Body extends PointerConsumer {
        @Override
        public void call(Pointer data) {
            Fork f = current;
            if (f != null && !f.serial) {
                f.work();
            }
        }
    }

    private static volatile Fork current;
    /** Keys of work whose first fork has run (its primitives made on one thread). */
    private static final Set<Object> MADE = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<Boolean> IN_BRANCH = ThreadLocal.withInitial(() -> false);

    /** OpenMP's thread count for a region this thread would open now (0 where unknown). */
    static int ompMaxThreads() {
        return MAX_THREADS == null ? 0 : (int) MAX_THREADS.call(); // an int returned in a 64-bit register
    }

    /**
     * True where {@link #both} runs its tasks side by side: libgomp found and libtorch running
     * exactly two intra-op threads (with more, each branch would need a nested team).
     */
    public static boolean available() {
        return USABLE && torch.get_num_threads() == 2;
    }

    /**
     * Runs {@code a} and {@code b} at once, one libtorch thread each, and returns their results
     * in order; {@code pointers} names the native objects in a result that the caller keeps
     * (they move to the caller's innermost scope). Runs them one after the other where
     * {@link #available()} is false. An exception in either is rethrown after both finished.
     */
    public static <T> List<T> both(Supplier<T> a, Supplier<T> b, Function<T, Pointer[]> pointers) {
        return all(null, List.of(a, b), pointers);
    }

    /**
     * {@link #both} for work that runs oneDNN convolutions: the first call with a given {@code
     * key} (equal keys: the same layers on the same input shapes and layouts) runs the two tasks
     * one after the other, on one thread of the region, so that their primitives are made on one
     * thread (see the class comment).
     */
    public static <T> List<T> both(Object key, Supplier<T> a, Supplier<T> b, Function<T, Pointer[]> pointers) {
        return all(key, List.of(a, b), pointers);
    }

    /**
     * A key for {@link #both(Object, Supplier, Supplier, Function)}: the site's name and {@code
     * mode} (what else decides which layers run, e.g. the precision), then each input's shape,
     * strides and type.
     */
    public static String key(String site, Object mode, Tensor... inputs) {
        StringBuilder k = new StringBuilder(site).append('/').append(mode);
        for (Tensor x : inputs) {
            k.append('/').append(Arrays.toString(x.sizes().vec().get()))
                    .append(Arrays.toString(x.strides().vec().get())).append(x.scalar_type().value);
        }
        return k.toString();
    }

    /**
     * The tasks on the two threads, each claiming the next as it finishes one; results in the
     * tasks' order. A new {@code key} (not null) runs them all on the caller's thread.
     */
    private static <T> List<T> all(Object key, List<? extends Supplier<T>> tasks, Function<T, Pointer[]> pointers) {
        long[] seeds = new long[tasks.size()];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = DropoutMask.seed();
        }
        boolean first = key != null && !MADE.contains(key);
        Fork f = new Fork(tasks, seeds, pointers, first);
        if (!IN_BRANCH.get()) { // inside a branch: one after the other (the team is busy)
            synchronized (TeamFork.class) {
                if (available()) {
                    current = f;
                    try {
                        START.call(BODY_FN, null, 2);
                        f.work();
                        END.call();
                    } finally {
                        current = null;
                    }
                }
            }
        }
        f.work(); // anything no thread claimed (a team of one)
        if (f.done.get() != f.tasks.length) {
            throw new IllegalStateException("gan4j: a forked task did not finish");
        }
        if (first && Arrays.stream(f.errors).allMatch(Objects::isNull)) {
            MADE.add(key);
        }
        PointerScope outer = PointerScope.getInnerScope();
        for (int i = 0; i < f.tasks.length; i++) {
            if (f.errors[i] != null) {
                Throwable e = f.errors[i];
                if (e instanceof RuntimeException r) {
                    throw r;
                }
                if (e instanceof Error r) {
                    throw r;
                }
                throw new IllegalStateException(e);
            }
        }
        if (outer != null) {
            for (Object r : f.results) {
                for (Pointer p : r == null ? new Pointer[0] : f.pointers.apply(r)) {
                    if (p != null) {
                        outer.attach(p);
                        p.releaseReference();
                    }
                }
            }
        }
        @SuppressWarnings("unchecked")
        List<T> out = (List<T>) java.util.Arrays.asList(f.results);
        return out;
    }

    /** {@link #both} for two tasks that return nothing. */
    public static void both(Runnable a, Runnable b) {
        both(null, a, b);
    }

    /** {@link #both(Object, Supplier, Supplier, Function)} for two tasks that return nothing. */
    public static void both(Object key, Runnable a, Runnable b) {
        both(key, () -> {
            a.run();
            return null;
        }, () -> {
            b.run();
            return null;
        }, r -> new Pointer[0]);
    }

    private static final class Fork {
        final Supplier<?>[] tasks;
        final long[] seeds;
        final Function<Object, Pointer[]> pointers;
        /** The region's worker claims nothing: the caller's thread runs every task. */
        final boolean serial;
        final Object[] results;
        final Throwable[] errors;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();

        @SuppressWarnings("unchecked")
        <T> Fork(List<? extends Supplier<T>> tasks, long[] seeds, Function<T, Pointer[]> pointers, boolean serial) {
            this.serial = serial;
            this.tasks = tasks.toArray(new Supplier<?>[0]);
            this.results = new Object[this.tasks.length];
            this.errors = new Throwable[this.tasks.length];
            this.seeds = seeds;
            this.pointers = (Function<Object, Pointer[]>) pointers;
        }

        /** Claims and runs tasks until none is left. */
        void work() {
            for (int i = next.getAndIncrement(); i < tasks.length; i = next.getAndIncrement()) {
                run(i);
            }
        }

        private void run(int i) {
            if (current == this) {
                // libtorch sets a thread's count to its global one at the thread's first op; that
                // first, or the worker's first branch would plan for two threads after all
                torch.get_num_threads();
                SET_THREADS.call(ONE, 0); // this thread's task inside the region only
            }
            SplittableRandom outerStream = DropoutMask.useStream(new SplittableRandom(seeds[i]));
            boolean outerBranch = IN_BRANCH.get();
            IN_BRANCH.set(true);
            try (PointerScope scope = new PointerScope()) {
                Object r = tasks[i].get();
                if (r != null) {
                    for (Pointer p : pointers.apply(r)) {
                        if (p != null) {
                            p.retainReference(); // outlives this scope; the caller's takes it over
                        }
                    }
                }
                results[i] = r;
            } catch (Throwable e) {
                errors[i] = e;
            } finally {
                DropoutMask.useStream(outerStream);
                IN_BRANCH.set(outerBranch);
                done.incrementAndGet(); // publishes results[i] / errors[i] to the caller
            }
        }
    }
}
