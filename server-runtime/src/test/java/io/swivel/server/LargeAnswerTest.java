package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.client.SwivelClient;
import io.swivel.samples.greeter.Greeter;
import io.swivel.testing.NettyLeaks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers of every size, from a few bytes to several MiB (encoded in memory, or streamed into the
 * connection's pooled buffers in chunks), arrive whole over a real socket, alone and many at once;
 * and Netty's paranoid leak detector finds no buffer of the server or client that was never released.
 */
@Timeout(120)
class LargeAnswerTest {

    @TempDir
    Path root;

    @Test
    void answersOfEverySizeArriveWholeAndNoBufferLeaks() throws Exception {
        TestBundles.deploy("greeter-v1", root.resolve("deploy"), "greeter.jar");
        try (NettyLeaks leaks = NettyLeaks.watch();
             SwivelServer server = SwivelServer.start(TestBundles.config(root));
             SwivelClient client = SwivelClient.builder().address("127.0.0.1", server.rpcAddress().getPort()).build()) {
            Greeter greeter = client.proxy(Greeter.class);
            for (int length : new int[] {10, 70_000, 262_000, 300_000, 1 << 20, 3 << 20}) {
                String name = name(length);
                assertThat(greeter.greet(name)).isEqualTo("Hello, " + name + " (v1)");
            }
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String name = name(i % 2 == 0 ? 400_000 + i : 100 + i);
                calls.add(greeter.greetAsync(name).thenApply(answer -> answer.equals("Hello, " + name + " (v1)") ? "ok" : answer));
            }
            for (CompletableFuture<String> call : calls) {
                assertThat(call.get(60, TimeUnit.SECONDS)).isEqualTo("ok");
            }
            leaks.assertNone();
        }
    }

    private static String name(int length) {
        StringBuilder name = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            name.append((char) ('a' + i % 26));
        }
        return name.toString();
    }
}
