package org.gan4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.gan4j.config.Choices;

/**
 * Downloads the four standard IDX files of a dataset from its usual mirrors and checks each
 * against its published MD5 (the sums torchvision's dataset code lists). A file is written under
 * a temporary name and renamed only once its checksum matches; files already present and
 * correct are kept.
 */
public final class Fetcher {
    /** Where a dataset's files can be had, and what each must hash to. */
    public record Source(String name, List<String> mirrors, Map<String, String> md5) {
    }

    public static final Source MNIST = new Source("mnist",
            List.of("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"),
            files("f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
                    "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"));

    public static final Source FASHION_MNIST = new Source("fashion-mnist",
            List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            files("8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
                    "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    public static Source source(Choices.Dataset d) {
        return switch (d) {
            case MNIST -> MNIST;
            case FASHION_MNIST -> FASHION_MNIST;
            default -> throw new DataException("data fetch: '" + d + "' is generated, not downloaded");
        };
    }

    /** Fetches every file of {@code source} into {@code dir}; returns the files written or kept. */
    public List<Path> fetch(Source source, Path dir, Consumer<String> log) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataException(dir + ": cannot create directory (" + e.getClass().getSimpleName() + ")");
        }
        List<Path> done = new java.util.ArrayList<>();
        for (Map.Entry<String, String> f : source.md5().entrySet()) {
            Path target = dir.resolve(f.getKey());
            if (Files.isRegularFile(target) && f.getValue().equals(md5(target))) {
                log.accept(target + ": present, checksum ok");
                done.add(target);
                continue;
            }
            done.add(download(source, f.getKey(), f.getValue(), target, log));
        }
        return done;
    }

    private Path download(Source source, String file, String md5, Path target, Consumer<String> log) {
        StringBuilder failures = new StringBuilder();
        Path tmp = target.resolveSibling(file + ".part");
        for (String mirror : source.mirrors()) {
            String url = mirror + file;
            try {
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofMinutes(5)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) {
                    r.body().close();
                    failures.append("; ").append(url).append(": HTTP ").append(r.statusCode());
                    continue;
                }
                MessageDigest digest = MessageDigest.getInstance("MD5");
                try (InputStream in = new DigestInputStream(r.body(), digest);
                     OutputStream out = Files.newOutputStream(tmp)) {
                    in.transferTo(out);
                }
                String got = HexFormat.of().formatHex(digest.digest());
                if (!got.equals(md5)) {
                    Files.deleteIfExists(tmp);
                    failures.append("; ").append(url).append(": checksum ").append(got)
                            .append(" is not the published ").append(md5);
                    continue;
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                log.accept(target + ": downloaded from " + url + ", checksum ok");
                return target;
            } catch (IOException e) {
                failures.append("; ").append(url).append(": ").append(e.getClass().getSimpleName())
                        .append(e.getMessage() == null ? "" : " " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataException(file + ": download interrupted");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // nothing was kept under the target name either way
        }
        throw new DataException(file + ": could not be fetched" + failures);
    }

    /** Hex MD5 of a file. */
    public static String md5(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> files(String trainImages, String trainLabels, String testImages,
                                             String testLabels) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ImageDatasets.TRAIN_IMAGES + ".gz", trainImages);
        m.put(ImageDatasets.TRAIN_LABELS + ".gz", trainLabels);
        m.put(ImageDatasets.TEST_IMAGES + ".gz", testImages);
        m.put(ImageDatasets.TEST_LABELS + ".gz", testLabels);
        return m;
    }
}
