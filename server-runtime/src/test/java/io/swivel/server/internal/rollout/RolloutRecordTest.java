package io.swivel.server.internal.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.server.internal.rollout.RolloutRecord.Outcome;
import io.swivel.server.internal.rollout.RolloutRecord.State;
import io.swivel.server.internal.rollout.RolloutRecord.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RolloutRecordTest {

    private static final String SHA = "06aeb1c6a320b03887ae945d87279067e62fd520286dff4c499052c856c156c3";
    private final RolloutJson json = new RolloutJson();

    private static RolloutRecord started() {
        return RolloutRecord.start("20261202-031501-greeter-3f2a", "greeter", "2.0.0", SHA, "greeter-v2.jar", "1", null,
                true, "ada@host", 1000, List.of(List.of("a:1"), List.of("b:1")));
    }

    @Test
    void aStartedRolloutHasEveryServerPending() {
        RolloutRecord record = started();
        assertThat(record.state()).isEqualTo(State.RUNNING);
        assertThat(record.servers()).containsOnlyKeys("a:1", "b:1");
        assertThat(record.count(Outcome.PENDING)).isEqualTo(2);
    }

    @Test
    void theJsonRoundTripKeepsEveryStepAndTheState() throws IOException {
        RolloutRecord record = started()
                .withStep("a:1", new Step(Outcome.UPDATED, "1.0.0", "done: greeter 2.0.0 serves", 2000), 2000)
                .withStep("b:1", new Step(Outcome.FAILED, "1.0.0", "greeter 2.0.0 failed: boom", 3000), 3000)
                .withState(State.UNDONE, "ada@host", "b:1: boom; 1 server(s) rolled back", 4000);
        byte[] data = json.bytes(record);
        RolloutRecord read = json.parse("/swivel/rollouts/" + record.id(), record.id(), data);
        assertThat(read).isEqualTo(record);
        assertThat(read.batches()).containsExactly(List.of("a:1"), List.of("b:1"));
        assertThat(read.step("b:1").outcome()).isEqualTo(Outcome.FAILED);
        assertThat(read.updatedAt()).isEqualTo(4000);
        assertThat(new String(data, StandardCharsets.UTF_8)).contains("\"sha256\":\"" + SHA + "\"")
                .doesNotContain("\"canary\"");
    }

    @Test
    void aLaterReleasesFieldsAreIgnoredButAnotherRolloutsRecordIsRefused() throws IOException {
        String text = new String(json.bytes(started()), StandardCharsets.UTF_8).replaceFirst("\\{", "{\"future\":1,");
        assertThat(json.parse("x", started().id(), text.getBytes(StandardCharsets.UTF_8)).bundle()).isEqualTo("greeter");
        assertThatThrownBy(() -> json.parse("x", "other", text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("names rollout");
        assertThatThrownBy(() -> json.parse("x", "y", "{\"id\":\"y\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("does not hold a rollout record");
    }

    @Test
    void messagesAreBoundedAndOnlyServersOfThePlanHaveSteps() {
        Step long_ = new Step(Outcome.FAILED, null, "x".repeat(10_000), 1);
        assertThat(long_.message()).hasSize(RolloutRecord.MAX_MESSAGE_CHARS);
        assertThatThrownBy(() -> started().withStep("c:1", long_, 1)).hasMessageContaining("not in the plan");
    }

    @Test
    void aRecordTooLargeForItsZnodeIsNotWritten() {
        List<String> many = IntStream.range(0, 1000).mapToObj(i -> "server-" + "x".repeat(200) + i + ":7701").toList();
        RolloutRecord record = RolloutRecord.start("id", "greeter", "2.0.0", SHA, "j.jar", "1", null, true, "ada", 1,
                List.of(many));
        for (String server : many) {
            record = record.withStep(server, new Step(Outcome.FAILED, "1.0.0", "y".repeat(400), 1), 1);
        }
        RolloutRecord big = record;
        assertThatThrownBy(() -> json.bytes(big)).isInstanceOf(IOException.class).hasMessageContaining("over the limit");
    }

    @Test
    void aFailedRollBackLeavesTheRolloutHaltedSoThatAbortRetriesIt() {
        RolloutRecord failed = started()
                .withStep("a:1", new Step(Outcome.UNDONE, "1.0.0", "rolled back", 2000), 2000)
                .withStep("b:1", new Step(Outcome.UNDO_FAILED, "1.0.0", "connection refused", 2000), 2000);
        assertThat(failed.afterUndo(State.UNDONE)).isEqualTo(State.HALTED);
        assertThat(failed.afterUndo(State.ABORTED)).isEqualTo(State.HALTED);
        assertThat(State.HALTED.finished()).as("abort refuses finished rollouts only").isFalse();

        RolloutRecord retried = failed.withStep("b:1", new Step(Outcome.UNDONE, "1.0.0", "rolled back", 3000), 3000);
        assertThat(retried.afterUndo(State.UNDONE)).isEqualTo(State.UNDONE);
        assertThat(retried.afterUndo(State.ABORTED)).isEqualTo(State.ABORTED);
        assertThat(started().afterUndo(State.UNDONE)).as("nothing to roll back").isEqualTo(State.UNDONE);
    }
}
