package org.gan4j.fast;

import org.gan4j.nn.DropoutMask;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.Layers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TwoLibtorchThreads.class)
class TeamForkTest {
    private record Seen(String thread, int threads, Tensor t) {
    }

    @Test
    void runsTheTwoTasksAtOnceOnOneLibtorchThreadEachAndHandsTheirTensorsToTheCaller() throws Exception {
        assertThat(TeamFork.available()).as("libgomp found, two threads").isTrue();
        CountDownLatch bothStarted = new CountDownLatch(2);
        Tensor kept;
        try (PointerScope outer = new PointerScope()) {
            List<Seen> r = TeamFork.both(() -> task(bothStarted, 3), () -> task(bothStarted, 4),
                    s -> new Pointer[] {s.t()});
            assertThat(r.get(0).thread()).isNotEqualTo(r.get(1).thread());
            // inside a branch libtorch plans for one thread; afterwards the team is two again
            assertThat(r.get(0).threads()).isEqualTo(1);
            assertThat(r.get(1).threads()).isEqualTo(1);
            assertThat(TeamFork.ompMaxThreads()).isEqualTo(2);
            assertThat(torch.get_num_threads()).isEqualTo(2);
            // results in the order of the tasks, alive in the caller's scope
            assertThat(r.get(0).t().sum().item_double()).isEqualTo(3 * 256 * 256 * 256.0);
            assertThat(r.get(1).t().sum().item_double()).isEqualTo(4 * 256 * 256 * 256.0);
            kept = r.get(0).t();
        }
        assertThat(kept.isNull()).as("freed with the caller's scope").isTrue();
    }

    /** A 256x256 product filled with {@code v}, after both tasks have started (else it fails). */
    private static Seen task(CountDownLatch bothStarted, int v) {
        bothStarted.countDown();
        try {
            if (!bothStarted.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other task never started alongside this one");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        Tensor a = torch.full(new long[] {256, 256}, new org.bytedeco.pytorch.Scalar((double) v));
        Tensor t = a.mm(torch.ones(256, 256));
        return new Seen(Thread.currentThread().getName(), TeamFork.ompMaxThreads(), t);
    }

    /** Thread name and planned thread count, without waiting for the other task. */
    private static Seen where() {
        return new Seen(Thread.currentThread().getName(), TeamFork.ompMaxThreads(), null);
    }

    @Test
    void theFirstForkOfAKeyRunsBothTasksOnTheCallersThreadAndLaterOnesSideBySide() {
        try (PointerScope outer = new PointerScope()) {
            String caller = Thread.currentThread().getName();
            Object key = TeamFork.key("team-fork-test", "fp32", torch.ones(5, 3));
            // a first fork that fails leaves the key new
            assertThatThrownBy(() -> TeamFork.both(key, () -> where(), () -> {
                throw new IllegalStateException("failed");
            }, s -> new Pointer[0])).hasMessage("failed");
            List<Seen> first = TeamFork.both(key, TeamForkTest::where, TeamForkTest::where, s -> new Pointer[0]);
            assertThat(first).extracting(Seen::thread).containsOnly(caller);
            assertThat(first).extracting(Seen::threads).containsOnly(1); // planned as in the later forks
            CountDownLatch bothStarted = new CountDownLatch(2);
            List<Seen> later = TeamFork.both(TeamFork.key("team-fork-test", "fp32", torch.zeros(5, 3)),
                    () -> task(bothStarted, 1), () -> task(bothStarted, 2), s -> new Pointer[] {s.t()});
            assertThat(later.get(0).thread()).isNotEqualTo(later.get(1).thread());
            // another shape, layout or mode is new work again
            Tensor maps = torch.ones(2, 3, 4, 4);
            for (Object other : List.of(TeamFork.key("team-fork-test", "fp32", torch.ones(6, 3)),
                    TeamFork.key("team-fork-test", "fp32", maps),
                    TeamFork.key("team-fork-test", "fp32", maps.contiguous(torch.MemoryFormat.ChannelsLast)),
                    TeamFork.key("team-fork-test", "bf16", torch.ones(5, 3)))) {
                assertThat(TeamFork.both(other, TeamForkTest::where, TeamForkTest::where, s -> new Pointer[0]))
                        .extracting(Seen::thread).containsOnly(caller);
            }
        }
    }

    @Test
    void anExceptionInATaskReachesTheCallerAndTheNextForkStillRuns() {
        try (PointerScope outer = new PointerScope()) {
            assertThatThrownBy(() -> TeamFork.both(() -> torch.ones(3), () -> {
                throw new IllegalArgumentException("branch b failed");
            }, t -> new Pointer[] {t})).isInstanceOf(IllegalArgumentException.class).hasMessage("branch b failed");
            List<Tensor> r = TeamFork.both(() -> torch.ones(3), () -> torch.zeros(2), t -> new Pointer[] {t});
            assertThat(r.get(0).sum().item_double()).isEqualTo(3.0);
            assertThat(r.get(1).numel()).isEqualTo(2);
        }
    }

    /** A fork asked for inside a branch runs its tasks there, one after the other (no deadlock). */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aForkInsideABranchRunsItsTasksOneAfterTheOther() {
        try (PointerScope outer = new PointerScope()) {
            java.util.function.Supplier<Tensor> nested = () -> {
                List<Tensor> inner = TeamFork.both(() -> torch.ones(2), () -> torch.ones(3), t -> new Pointer[] {t});
                return inner.get(0).sum().add(inner.get(1).sum());
            };
            List<Tensor> r = TeamFork.both(nested, nested, t -> new Pointer[] {t});
            assertThat(r.get(0).item_double()).isEqualTo(5.0);
            assertThat(r.get(1).item_double()).isEqualTo(5.0);
        }
    }

    @Test
    void dropoutMasksInBranchesDependOnTorchsSeedAloneAndDifferBetweenBranches() {
        try (PointerScope outer = new PointerScope()) {
            Tensor x = torch.ones(64, 64, 14, 14);
            Seeds.seedTorch(11);
            List<Tensor> first = TeamFork.both(() -> DropoutMask.draw(x, 0.3), () -> DropoutMask.draw(x, 0.3),
                    t -> new Pointer[] {t});
            Seeds.seedTorch(11);
            List<Tensor> again = TeamFork.both(() -> DropoutMask.draw(x, 0.3), () -> DropoutMask.draw(x, 0.3),
                    t -> new Pointer[] {t});
            assertThat(first.get(0).equal(again.get(0))).isTrue();
            assertThat(first.get(1).equal(again.get(1))).isTrue();
            assertThat(first.get(0).equal(first.get(1))).isFalse();
            assertThat(first.get(0).eq(new org.bytedeco.pytorch.Scalar(0)).toType(torch.ScalarType.Float).mean()
                    .item_double()).isBetween(0.29, 0.31);
            // outside a fork, masks come from torch's generator again
            Seeds.seedTorch(11);
            Tensor plain = DropoutMask.draw(x, 0.3);
            assertThat(plain.equal(first.get(0))).isFalse();
            Seeds.seedTorch(11);
            assertThat(DropoutMask.draw(x, 0.3).equal(plain)).isTrue();
        }
    }
}
