package io.swivel.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.bench.peer.swivel.BundleJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A derived bundle version keeps every entry and changes only Swivel-Version. */
class BundleJarsTest {

    @TempDir
    Path dir;

    @Test
    void derivedJarHasTheNewVersionAndTheSameEntries() throws IOException {
        Path derived = BundleJars.withVersion(BenchBundles.v1(), "7.1.2", dir.resolve("v7.jar"));
        try (JarFile original = new JarFile(BenchBundles.v1().toFile()); JarFile copy = new JarFile(derived.toFile())) {
            assertThat(original.getManifest().getMainAttributes().getValue("Swivel-Version")).isEqualTo("1.0.0");
            assertThat(copy.getManifest().getMainAttributes().getValue("Swivel-Version")).isEqualTo("7.1.2");
            assertThat(copy.getManifest().getMainAttributes().getValue("Swivel-Bundle")).isEqualTo("bench-users");
            assertThat(names(copy)).containsAll(names(original).stream().filter(n -> !n.equals("META-INF/")).toList())
                    .contains("lib/swivel-benchmarks-user-api.jar", "io/swivel/bench/bundle/UserServiceImpl.class");
        }
    }

    @Test
    void aJarWithoutBundleManifestIsRefused() throws IOException {
        Path plain = dir.resolve("plain.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(plain), new Manifest())) {
            out.flush();
        }
        assertThatThrownBy(() -> BundleJars.withVersion(plain, "2.0.0", dir.resolve("x.jar")))
                .hasMessageContaining("names no Swivel-Bundle");
    }

    private static List<String> names(JarFile jar) {
        return Collections.list(jar.entries()).stream().map(e -> e.getName()).toList();
    }
}
