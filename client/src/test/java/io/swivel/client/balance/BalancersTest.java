package io.swivel.client.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class BalancersTest {

    @ParameterizedTest
    @EnumSource(Balancers.class)
    void createsANewInstanceEachTime(Balancers kind) {
        LoadBalancer first = kind.create();
        LoadBalancer second = kind.create();
        assertThat(first).isNotNull().isNotSameAs(second);
    }

    @ParameterizedTest
    @EnumSource(Balancers.class)
    void alwaysPicksOneOfTheCandidates(Balancers kind) {
        LoadBalancer balancer = kind.create();
        List<TestEndpoint> endpoints = List.of(
                new TestEndpoint("a", 3, 2, 1_000), new TestEndpoint("b", 1, 0, 0),
                new TestEndpoint("c", 0, 5, 9_000), new TestEndpoint("d", 2, 1, 2_000));
        for (int i = 0; i < 1_000; i++) {
            Endpoint picked = balancer.pick(endpoints, i % 3 == 0 ? null : "key" + i);
            assertThat(endpoints).anySatisfy(e -> assertThat(e).isSameAs(picked));
        }
    }

    @ParameterizedTest
    @EnumSource(Balancers.class)
    void followsAChangingCandidateList(Balancers kind) {
        LoadBalancer balancer = kind.create();
        List<TestEndpoint> endpoints = new ArrayList<>();
        for (int size = 1; size <= 8; size++) {
            endpoints.add(new TestEndpoint("e" + size, size, size % 3, size * 1_000L));
            List<TestEndpoint> candidates = List.copyOf(endpoints);
            for (int i = 0; i < 50; i++) {
                Endpoint picked = balancer.pick(candidates, "key" + i);
                assertThat(candidates).anySatisfy(e -> assertThat(e).isSameAs(picked));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Balancers.class)
    void singleCandidateIsReturned(Balancers kind) {
        TestEndpoint only = new TestEndpoint("only", 5, 99, 123_456);
        LoadBalancer balancer = kind.create();
        assertThat(balancer.pick(List.of(only), null)).isSameAs(only);
        assertThat(balancer.pick(List.of(only), "key")).isSameAs(only);
    }

    @ParameterizedTest
    @EnumSource(Balancers.class)
    void rejectsEmptyAndNullLists(Balancers kind) {
        LoadBalancer balancer = kind.create();
        assertThatThrownBy(() -> balancer.pick(List.of(), "key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoints");
        assertThatThrownBy(() -> balancer.pick(null, "key")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void defaultIsPowerOfTwoChoices() {
        assertThat(Balancers.DEFAULT).isSameAs(Balancers.P2C_EWMA);
        assertThat(Balancers.DEFAULT.create()).isInstanceOf(PowerOfTwoChoicesBalancer.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"p2c-ewma", "P2C_EWMA", " p2c_ewma ", "P2c-Ewma"})
    void namesAreForgiving(String name) {
        assertThat(Balancers.byName(name)).isEqualTo(Balancers.P2C_EWMA);
    }

    @Test
    void everyBalancerIsFoundByItsName() {
        for (Balancers kind : Balancers.values()) {
            assertThat(Balancers.byName(kind.name())).isEqualTo(kind);
            assertThat(Balancers.byName(kind.name().toLowerCase(Locale.ROOT).replace('_', '-'))).isEqualTo(kind);
        }
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> Balancers.byName("fastest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fastest")
                .hasMessageContaining("round-robin")
                .hasMessageContaining("consistent-hash");
        assertThatThrownBy(() -> Balancers.byName(null)).isInstanceOf(NullPointerException.class);
    }
}
