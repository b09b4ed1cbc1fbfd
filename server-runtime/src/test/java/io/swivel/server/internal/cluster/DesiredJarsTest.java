package io.swivel.server.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.MalformedURLException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which failures of a fetch a following server tries again (those that may pass) and which it
 * reports once; and the Maven coordinates it accepts from ZooKeeper.
 */
class DesiredJarsTest {

    @TempDir
    Path cache;

    @Test
    void transfersThatMayPassAreTriedAgainRefusalsAreNot() {
        assertThat(DesiredJars.retryable(new ConnectException("Connection refused"))).isTrue();
        assertThat(DesiredJars.retryable(new SocketTimeoutException("Read timed out"))).isTrue();
        assertThat(DesiredJars.retryable(new IOException("the transfer took longer than --upload-timeout"))).isTrue();
        for (int busy : new int[] {500, 503, 404, 408, 429}) {
            assertThat(DesiredJars.retryable(new DesiredJars.HttpStatus(busy, "HTTP " + busy))).as("%d", busy).isTrue();
        }
        for (int refused : new int[] {400, 401, 403, 413}) {
            assertThat(DesiredJars.retryable(new DesiredJars.HttpStatus(refused, "HTTP " + refused))).as("%d", refused)
                    .isFalse();
        }
        assertThat(DesiredJars.retryable(new MalformedURLException("no protocol"))).isFalse();
    }

    @Test
    void mavenCoordinatesMustBeMavenSyntaxWithoutAnyPathInThem() {
        assertThat(MavenJars.checkCoordinates("com.example:greeter:2.0.0")).isEqualTo("com.example:greeter:2.0.0");
        assertThat(MavenJars.checkCoordinates("com.example:greeter:jar:2.0.0-SNAPSHOT")).isNotNull();
        assertThat(MavenJars.checkCoordinates("com.example:greeter:jar::2.0.0")).isNotNull();
        assertThat(MavenJars.checkCoordinates("com.example:greeter_x:jar:all:2.0.0")).isNotNull();
        for (String bad : new String[] {"com/example:greeter:2.0.0", "com.example:..:2.0.0", "com..example:greeter:1",
                "com.example:greeter:../../etc", ".m2:greeter:1", "com.example:greeter", "a:b:c:d:e:f",
                "com.example::2.0.0", "com.example:gr eeter:1", "com.example:greeter:1\\2"}) {
            assertThatThrownBy(() -> MavenJars.checkCoordinates(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aMavenSourceWithAPathInItIsRefusedForGoodBeforeAnythingIsResolved() {
        try (MavenJars maven = new MavenJars("file:///nonexistent-repository/", cache, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> maven.resolve("maven:com.example:../../outside:1.0.0"))
                    .isInstanceOfSatisfying(DesiredJars.FetchException.class, e -> {
                        assertThat(e.permanent()).isTrue();
                        assertThat(e.getMessage()).contains("'../../outside' is not a Maven coordinate");
                    });
        }
        assertThat(cache).isEmptyDirectory();
    }
}
