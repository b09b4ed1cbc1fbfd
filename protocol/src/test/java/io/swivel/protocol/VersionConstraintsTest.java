package io.swivel.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionConstraintsTest {

    @Test
    void emptyMatchesAnyExactMatchesItselfAndStarIsAPrefix() {
        assertThat(VersionConstraints.matches("", "1.0.0")).isTrue();
        assertThat(VersionConstraints.matches(null, "1.0.0")).isTrue();
        assertThat(VersionConstraints.matches("1.0.0", "1.0.0")).isTrue();
        assertThat(VersionConstraints.matches("1.0.0", "1.0.1")).isFalse();
        assertThat(VersionConstraints.matches("2.*", "2.0.0")).isTrue();
        assertThat(VersionConstraints.matches("2.*", "20.0.0")).isFalse();
        assertThat(VersionConstraints.matches("2.*", "1.0.0")).isFalse();
        assertThat(VersionConstraints.matches("1.0.0", null)).isFalse();
    }
}
