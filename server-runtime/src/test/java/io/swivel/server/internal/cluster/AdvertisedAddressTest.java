package io.swivel.server.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.server.config.Announce;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which address is registered for which configuration and interfaces (the interfaces are given here). */
class AdvertisedAddressTest {

    private static final InetSocketAddress WILDCARD = new InetSocketAddress("0.0.0.0", 7700);

    @Test
    void theAdvertiseAddressWinsAndItsPortOrTheBoundOne() {
        assertThat(AdvertisedAddress.of(Announce.defaults().withAdvertiseAddress("swivel.example", 9700), WILDCARD,
                List::of)).isEqualTo(new AdvertisedAddress("swivel.example", 9700, "--advertise-address"));
        assertThat(AdvertisedAddress.of(Announce.defaults().withAdvertiseAddress("swivel.example", 0), WILDCARD,
                List::of).port()).isEqualTo(7700);
    }

    @Test
    void aSpecificBindIsRegisteredAsItIs() {
        AdvertisedAddress chosen = AdvertisedAddress.of(Announce.defaults(), new InetSocketAddress("127.0.0.1", 7700),
                () -> List.of(candidate("eth0", 2, "10.0.0.5")));
        assertThat(chosen.host()).isEqualTo("127.0.0.1");
        assertThat(chosen.why()).isEqualTo("the bound address");
    }

    @Test
    void aWildcardBindTakesTheFirstRoutableIpv4AddressAndSaysFromWhere() {
        List<AdvertisedAddress.Candidate> interfaces = List.of(
                candidate("docker0", 1, "172.17.0.1"),
                candidate("eth1", 4, "fe80::1"),
                candidate("eth1", 4, "2001:db8::7"),
                candidate("eth0", 3, "169.254.10.10"),
                candidate("eth0", 3, "192.168.1.20"),
                candidate("eth1", 4, "10.1.2.3"),
                candidate("veth1234", 2, "10.9.9.9"));
        AdvertisedAddress chosen = AdvertisedAddress.of(Announce.defaults(), WILDCARD, () -> interfaces);
        assertThat(chosen.host()).isEqualTo("192.168.1.20");
        assertThat(chosen.port()).isEqualTo(7700);
        assertThat(chosen.why()).isEqualTo("a wildcard bind: the first address of interface eth0; "
                + "set --advertise-address to choose another");
    }

    @Test
    void ipv6WhenThereIsNoIpv4AndLoopbackWhenThereIsNothing() {
        assertThat(AdvertisedAddress.of(Announce.defaults(), WILDCARD,
                () -> List.of(candidate("eth0", 2, "fe80::1"), candidate("eth0", 2, "2001:db8::7"))).host())
                .isEqualTo("2001:db8:0:0:0:0:0:7");
        AdvertisedAddress none = AdvertisedAddress.of(Announce.defaults(), WILDCARD,
                () -> List.of(candidate("docker0", 1, "172.17.0.1")));
        assertThat(none.host()).isEqualTo("127.0.0.1");
        assertThat(none.why()).contains("no interface but loopback is up");
    }

    private static AdvertisedAddress.Candidate candidate(String name, int index, String address) {
        try {
            return new AdvertisedAddress.Candidate(name, index, InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            throw new AssertionError(address, e);
        }
    }
}
