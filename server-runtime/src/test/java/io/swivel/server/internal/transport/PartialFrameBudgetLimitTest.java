package io.swivel.server.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The partial-frame budget never exceeds half of the JVM's direct-memory limit. */
class PartialFrameBudgetLimitTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void theConfiguredLimitIsLoweredToHalfOfTheDirectMemoryLimit() {
        assertThat(RpcServer.partialFrameBudget(256 * MIB, 256 * MIB)).isEqualTo(128 * MIB);
    }

    @Test
    void aConfiguredLimitBelowHalfOfTheDirectMemoryLimitIsKept() {
        assertThat(RpcServer.partialFrameBudget(64 * MIB, 1024 * MIB)).isEqualTo(64 * MIB);
        assertThat(RpcServer.partialFrameBudget(128 * MIB, 256 * MIB)).isEqualTo(128 * MIB);
    }

    @Test
    void anUnknownDirectMemoryLimitKeepsTheConfiguredLimit() {
        assertThat(RpcServer.partialFrameBudget(256 * MIB, -1)).isEqualTo(256 * MIB);
        assertThat(RpcServer.partialFrameBudget(256 * MIB, 0)).isEqualTo(256 * MIB);
    }
}
