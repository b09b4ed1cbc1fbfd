package io.swivel.server.internal.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RolloutPlanTest {

    private static List<String> servers(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "10.0.0." + i + ":7701").toList();
    }

    @Test
    void oneAtATimeByDefault() {
        assertThat(RolloutPlan.batches(servers(3), "1")).containsExactly(
                List.of("10.0.0.1:7701"), List.of("10.0.0.2:7701"), List.of("10.0.0.3:7701"));
    }

    @Test
    void aNumberTakesThatManyAndTheLastBatchTheRest() {
        assertThat(RolloutPlan.batches(servers(5), "2")).containsExactly(
                List.of("10.0.0.1:7701", "10.0.0.2:7701"), List.of("10.0.0.3:7701", "10.0.0.4:7701"),
                List.of("10.0.0.5:7701"));
        assertThat(RolloutPlan.batches(servers(2), "10")).containsExactly(servers(2));
    }

    @Test
    void aShareIsRoundedUpAndNeverEmpty() {
        assertThat(RolloutPlan.batches(servers(10), "25%")).extracting(List::size).containsExactly(3, 3, 3, 1);
        assertThat(RolloutPlan.batches(servers(3), "1%")).extracting(List::size).containsExactly(1, 1, 1);
        assertThat(RolloutPlan.batches(servers(4), "100%")).containsExactly(servers(4));
        assertThat(RolloutPlan.batches(servers(4), " 50% ")).extracting(List::size).containsExactly(2, 2);
    }

    @Test
    void refusesWhatIsNoBatch() {
        for (String bad : List.of("0", "-1", "0%", "101%", "half", "", "2.5")) {
            assertThatThrownBy(() -> RolloutPlan.batches(servers(3), bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--batch");
        }
    }
}
