package io.swivel.client.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.swivel.client.MetadataScope;
import io.swivel.client.SwivelClient;
import io.swivel.client.SwivelException;
import io.swivel.client.failover.ScriptedServer.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request the connection cannot write (its frame is longer than the client's
 * {@code maxFrameLength}) fails its call saying it could not be sent, as a call that never left;
 * the connection stays usable for the calls after it.
 */
@Timeout(60)
class WriteFailureTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void aRequestThatCannotBeWrittenFailsItsCallAsNeverSent() throws Exception {
        ScriptedServer server = ScriptedServer.start(Accounts.class, request -> new Answer(7));
        resources.add(server);
        SwivelClient client = SwivelClient.builder().address("127.0.0.1", server.port()).maxFrameLength(1024)
                .timeout(Duration.ofSeconds(5)).build();
        resources.add(client);
        Accounts accounts = client.proxy(Accounts.class);
        assertThat(accounts.count("warm")).isEqualTo(7);
        int requestsBefore = server.requests().size();

        Throwable thrown;
        // within the metadata limits, beyond the frame's: the encoder refuses the request
        try (MetadataScope scope = SwivelClient.withMetadata("note", "x".repeat(2000))) {
            thrown = catchThrowable(() -> accounts.count("big"));
        }

        assertThat(thrown).isExactlyInstanceOf(SwivelException.class)
                .hasMessageStartingWith("cannot send " + Accounts.class.getName() + "#count(java.lang.String) to 127.0.0.1:"
                        + server.port() + ": ");
        assertThat(thrown.getCause().getClass().getSimpleName()).as("failed as a call that never left")
                .isEqualTo("ConnectFailedException");
        assertThat(server.requests()).as("nothing reached the server").hasSize(requestsBefore);
        assertThat(accounts.count("after")).as("the connection still serves").isEqualTo(7);
    }
}
