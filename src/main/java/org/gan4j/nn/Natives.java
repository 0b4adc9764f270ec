package org.gan4j.nn;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.javacpp.ClassProperties;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * Loads libtorch through the JavaCPP presets, once every native library they bring has been
 * extracted into JavaCPP's cache.
 *
 * <p>JavaCPP extracts and loads the presets' libraries one at a time, in the order the presets
 * list them (c10, torch, torch_cpu), and the dynamic linker looks for each one's dependencies
 * beside it ({@code $ORIGIN}), then on the system. On a fresh cache libtorch.so would be loaded
 * before libtorch_cpu.so is extracted next to it, and the linker would take the system's: with
 * Debian's libtorch-dev that is libtorch 1.13, and the presets' libtorch_cpu 2.10 loaded beside it
 * crashes the JVM (SIGSEGV in {@code c10::Dispatcher::registerFallback}).
 *
 * <p>gan4j's classes that first reach libtorch from plain Java values ({@link Devices}, {@link
 * Layers}, {@link Tensors}, {@link Seeds}, {@code Models}, {@code Checkpoint}, {@code Classifier})
 * call {@link #load()} first. Code that touches the presets in some other way before any of
 * them (its own {@code torch} calls, a layer made with {@code new}) calls {@link #load()} itself.
 */
public final class Natives {
    private Natives() {
    }

    private static volatile boolean loaded;

    /**
     * Picks the natives' build ({@link #preferGpuNatives}), extracts the directories of every
     * library libtorch's presets load (their own, OpenBLAS's, JavaCPP's), then loads them. Cheap
     * after the first call; a warm cache is checked by size and time stamp, not copied again.
     *
     * @throws UnsatisfiedLinkError when the natives cannot be extracted or loaded
     */
    public static void load() {
        if (!loaded) {
            loadOnce();
        }
    }

    private static synchronized void loadOnce() {
        if (loaded) {
            return;
        }
        preferGpuNatives();
        if (Loader.isLoadLibraries()) {
            try {
                for (URL dir : nativeDirs()) {
                    Loader.cacheResource(dir);
                }
            } catch (IOException e) {
                UnsatisfiedLinkError err = new UnsatisfiedLinkError("cannot extract libtorch's natives into"
                        + " JavaCPP's cache (org.bytedeco.javacpp.cachedir picks another directory): " + e);
                err.initCause(e);
                throw err;
            }
        }
        Loader.load(torch.class);
        loaded = true;
    }

    /**
     * The directories of native libraries in the jars of libtorch's presets and of every preset
     * they inherit (OpenBLAS's, JavaCPP's): {@code <platform><extension>/} under each preset's
     * package, looked up the way JavaCPP's Loader looks up its libraries. Natives outside a jar
     * are loaded where they lie, beside their dependencies already.
     */
    static Set<URL> nativeDirs() throws IOException {
        ClassProperties p = Loader.loadProperties(torch.class, Loader.loadProperties(), true);
        List<Class> presets = new ArrayList<>(p.getInheritedClasses());
        presets.add(torch.class);
        List<String> extensions = new ArrayList<>(p.get("platform.extension"));
        extensions.add("");
        Set<URL> dirs = new LinkedHashSet<>();
        for (String extension : extensions) {
            for (Class c : presets) {
                for (URL u : Loader.findResources(c, p.getProperty("platform") + extension + "/")) {
                    if (u.getProtocol().equals("jar")) {
                        dirs.add(u);
                    }
                }
            }
        }
        return dirs;
    }

    /**
     * Makes JavaCPP load libtorch's CUDA build when a {@code -Pcuda} build put it on the class
     * path: the presets pick natives by platform extension, and without "-gpu" they would look
     * for the CPU build only and leave CUDA unavailable. A user's own extension stands.
     */
    static void preferGpuNatives() {
        String key = "org.bytedeco.javacpp.platform.extension";
        if (System.getProperty(key) == null && Natives.class.getResource(
                "/org/bytedeco/pytorch/" + Loader.getPlatform() + "-gpu/"
                        + System.mapLibraryName("jnitorch")) != null) {
            System.setProperty(key, "-gpu");
        }
    }
}
