package io.swivel.classloader;

import static io.swivel.classloader.Bundles.children;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.testing.JarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nested lib/*.jar are extracted within a total size and a compression ratio, counted while inflating. */
class LibLimitTest {

    private static final ClassLoader TEST_LOADER = LibLimitTest.class.getClassLoader();

    @TempDir
    Path tmp;

    /** A bundle jar whose lib/ entries are written deflated from {@code sizes} bytes of zeros or noise. */
    private Path bundle(String name, boolean noise, long... sizes) throws IOException {
        Path jar = tmp.resolve(name + ".jar");
        Random random = new Random(42);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            for (int i = 0; i < sizes.length; i++) {
                zip.putNextEntry(new ZipEntry("lib/part-" + i + ".jar"));
                byte[] chunk = new byte[64 * 1024];
                for (long left = sizes[i]; left > 0; left -= chunk.length) {
                    if (noise) {
                        random.nextBytes(chunk);
                    }
                    zip.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
                zip.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void aNestedJarInflatingFarPastItsSizeIsRefusedAtTheRatioWithNothingLeft() throws IOException {
        // 64 MiB of zeros deflate to about 64 KiB: about 1000:1
        Path jar = bundle("bomb", false, 64L * 1024 * 1024);
        assertThat(Files.size(jar)).isLessThan(1024 * 1024);
        Path work = tmp.resolve("work");
        assertThatThrownBy(() -> BundleClassLoader.open("bomb@1", jar, TEST_LOADER, work, 512L * 1024 * 1024, 100))
                .isInstanceOfSatisfying(LibLimitException.class, e -> {
                    assertThat(e.limit()).isEqualTo(LibLimitException.Limit.RATIO);
                    assertThat(e.library()).isEqualTo("lib/part-0.jar");
                    assertThat(e.allowed()).isEqualTo(100);
                    // stopped at the limit, not after inflating everything
                    assertThat(e.inflated()).isLessThanOrEqualTo(e.stored() * 100 + 64 * 1024);
                })
                .hasMessageContaining("lib/part-0.jar inflated past the compression ratio limit of 100:1");
        assertThat(children(work)).as("the work directory is removed").isEmpty();
    }

    @Test
    void nestedJarsTogetherArePassedTheTotalSizeLimit() throws IOException {
        Path jar = bundle("big", true, 400 * 1024, 400 * 1024);
        Path work = tmp.resolve("work");
        assertThatThrownBy(() -> BundleClassLoader.open("big@1", jar, TEST_LOADER, work, 512 * 1024, 100))
                .isInstanceOfSatisfying(LibLimitException.class, e -> {
                    assertThat(e.limit()).isEqualTo(LibLimitException.Limit.TOTAL_BYTES);
                    assertThat(e.library()).isEqualTo("lib/part-1.jar");
                    assertThat(e.inflated()).isGreaterThan(512 * 1024).isLessThanOrEqualTo(512 * 1024 + 64 * 1024);
                })
                .hasMessageContaining("limit of 524288 bytes for all nested libraries together");
        assertThat(children(work)).isEmpty();
    }

    @Test
    void nestedJarsWithinTheLimitsAreExtracted() throws IOException {
        Path jar = bundle("fine", true, 300 * 1024, 100 * 1024);
        try (BundleClassLoader loader = BundleClassLoader.open("fine@1", jar, TEST_LOADER, tmp.resolve("work"),
                512 * 1024, 100)) {
            assertThat(loader.getURLs()).hasSize(3);
        }
    }

    @Test
    void aSmallRealLibraryIsFarFromTheDefaults() throws IOException {
        Path lib = new JarBuilder().add("x/data.txt", "x".repeat(1000).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .write(tmp.resolve("x.jar"));
        Path jar = new JarBuilder().bundle("b", "1").add("lib/x.jar", lib).write(tmp.resolve("b.jar"));
        try (BundleClassLoader loader = BundleClassLoader.open("b@1", jar, TEST_LOADER, tmp.resolve("work"))) {
            assertThat(loader.getResource("x/data.txt")).isNotNull();
        }
    }
}
