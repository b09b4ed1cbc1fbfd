package io.swivel.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.swivel.registry.InstanceInfo;
import org.junit.jupiter.api.Test;

/** The warm-up a registration announces, as a server endpoint of the client reads it. */
class ServerEndpointWarmupTest {

    private final ServerEndpoint endpoint = new ServerEndpoint("127.0.0.1", 7700, null);

    @Test
    void withoutAnnouncedWarmUpItIsWarm() {
        assertThat(endpoint.warmth()).isEqualTo(1.0);
        endpoint.warmup(0, System.currentTimeMillis());
        assertThat(endpoint.warmth()).isEqualTo(1.0);
    }

    @Test
    void itRampsFromTheAnnouncedStart() {
        long now = System.currentTimeMillis();
        endpoint.warmup(100_000, now - 50_000);
        assertThat(endpoint.warmth()).isCloseTo(InstanceInfo.warmth(100_000, 50_000), within(0.01));
        endpoint.warmup(100_000, now - 200_000);
        assertThat(endpoint.warmth()).as("a window that ended").isEqualTo(1.0);
    }

    @Test
    void aStartAheadOfOurClockCountsFromWhenItWasFirstSeen() {
        endpoint.warmup(100_000, System.currentTimeMillis() + 3_600_000);
        assertThat(endpoint.warmth()).isCloseTo(InstanceInfo.WARMUP_FLOOR, within(0.01));
    }
}
