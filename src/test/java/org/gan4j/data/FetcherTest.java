package org.gan4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching against a server on loopback; never the internet. */
class FetcherTest {
    @TempDir
    Path tmp;
    private HttpServer server;
    private final Map<String, byte[]> served = new LinkedHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            byte[] body = served.get(ex.getRequestURI().getPath().substring(1));
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    private Fetcher.Source source(String mirror) throws Exception {
        Map<String, String> sums = new LinkedHashMap<>();
        for (var e : served.entrySet()) {
            sums.put(e.getKey(), md5(e.getValue()));
        }
        return new Fetcher.Source("t", List.of(mirror), sums);
    }

    @Test
    void downloadsVerifiesAndSkipsWhatIsPresent() throws Exception {
        served.put("a.gz", "alpha".getBytes());
        served.put("b.gz", "beta".getBytes());
        Path dir = tmp.resolve("out");
        List<String> log = new ArrayList<>();
        new Fetcher().fetch(source(base()), dir, log::add);
        assertThat(Files.readString(dir.resolve("a.gz"))).isEqualTo("alpha");
        assertThat(Files.readString(dir.resolve("b.gz"))).isEqualTo("beta");
        int before = requests.get();
        new Fetcher().fetch(source(base()), dir, log::add);
        assertThat(requests.get()).isEqualTo(before);
        assertThat(log.get(log.size() - 1)).contains("present");
    }

    @Test
    void wrongChecksumKeepsNothingAndFallsBackToTheNextMirror() throws Exception {
        served.put("a.gz", "alpha".getBytes());
        Fetcher.Source good = source(base());
        Fetcher.Source wrong = new Fetcher.Source("t", List.of(base()), Map.of("a.gz", "0".repeat(32)));
        Path dir = tmp.resolve("out");
        assertThatThrownBy(() -> new Fetcher().fetch(wrong, dir, s -> { }))
                .isInstanceOf(DataException.class).hasMessageContaining("a.gz").hasMessageContaining("checksum");
        try (var s = Files.list(dir)) {
            assertThat(s.count()).isZero();
        }
        Fetcher.Source twoMirrors = new Fetcher.Source("t", List.of(base() + "missing/", base()), good.md5());
        new Fetcher().fetch(twoMirrors, dir, s -> { });
        assertThat(dir.resolve("a.gz")).exists();
    }

    @Test
    void publishedChecksumsCoverTheFourStandardFiles() {
        for (Fetcher.Source s : new Fetcher.Source[] {Fetcher.MNIST, Fetcher.FASHION_MNIST}) {
            assertThat(s.md5()).containsOnlyKeys("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
            assertThat(s.md5().values()).allMatch(v -> v.matches("[0-9a-f]{32}"));
        }
    }
}
