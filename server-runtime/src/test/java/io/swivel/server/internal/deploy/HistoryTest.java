package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which version a rollback goes to, what a deployment adds, what pruning frees. */
class HistoryTest {

    private static HistoryEntry entry(String version) {
        return new HistoryEntry(version, "sha-" + version, version + ".jar", Instant.EPOCH);
    }

    private static History of(String... newestFirst) {
        History history = History.empty();
        for (int i = newestFirst.length - 1; i >= 0; i--) {
            history = history.remember(entry(newestFirst[i]));
        }
        return history;
    }

    @Test
    void rememberingKnownContentMovesItToTheHead() {
        History history = of("3", "2", "1").remember(entry("1"));
        assertThat(history.entries()).extracting(HistoryEntry::version).containsExactly("1", "3", "2");
        assertThat(history.bySha256("sha-2")).contains(entry("2"));
        assertThat(history.keeps("3.jar")).isTrue();
        assertThat(history.keeps("4.jar")).isFalse();
    }

    @Test
    void pruningKeepsTheNewestAndFreesTheFilesOfVersionsNotLoaded() {
        History.Pruned pruned = of("4", "3", "2", "1").prune(2, Set.of("1.jar"));
        assertThat(pruned.kept().entries()).extracting(HistoryEntry::version).containsExactly("4", "3");
        assertThat(pruned.filesToDelete()).containsExactly("2.jar");
        assertThat(of("2", "1").prune(2, Set.of()).filesToDelete()).isEmpty();
    }

    @Test
    void withoutAVersionARollbackGoesToTheOneDeployedBeforeTheActiveOne() throws Exception {
        assertThat(of("3", "2", "1").rollbackTarget("greeter", "3", "sha-3", null).version()).isEqualTo("2");
        // after a rollback to 2, the next rollback goes further back, not forward to 3
        assertThat(of("3", "2", "1").rollbackTarget("greeter", "2", "sha-2", null).version()).isEqualTo("1");
        assertThatThrownBy(() -> of("3", "2", "1").rollbackTarget("greeter", "1", "sha-1", null))
                .isInstanceOf(RollbackException.class)
                .hasMessage("greeter 1 has no earlier version to roll back to (history: [3, 2, 1])")
                .extracting(e -> ((RollbackException) e).reason())
                .isEqualTo(RollbackException.Reason.NOTHING_TO_ROLL_BACK_TO);
    }

    @Test
    void aNamedVersionMustBeKeptAndNotServeAlready() throws Exception {
        assertThat(of("3", "2", "1").rollbackTarget("greeter", "3", "sha-3", "1").version()).isEqualTo("1");
        assertThatThrownBy(() -> of("3", "2").rollbackTarget("greeter", "3", "sha-3", "9"))
                .hasMessage("no version 9 of greeter in history; versions kept: [3, 2]");
        assertThatThrownBy(() -> of("3", "2").rollbackTarget("greeter", "3", "sha-3", "3"))
                .hasMessage("greeter 3 serves already");
    }
}
