package io.swivel.server.internal.cluster;

import io.swivel.server.config.Announce;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The address this server registers in ZooKeeper, which clients dial and cluster commands name it
 * by: {@code --advertise-address HOST[:PORT]} when given (a port left out is the bound one);
 * else the bound address; and for a wildcard bind ({@code 0.0.0.0}, {@code ::}) the first IPv4
 * address of an interface that is up and not loopback, link-local or a container bridge
 * ({@code docker*}, {@code br-*}, {@code veth*}, {@code virbr*}, {@code cni*}), in interface
 * order, else such an IPv6 address, else {@code 127.0.0.1}. {@link #why()} says which rule chose it,
 * for the start-up log line.
 *
 * @param host the host registered
 * @param port the port registered
 * @param why how it was chosen
 */
record AdvertisedAddress(String host, int port, String why) {

    /** An address of a network interface, as {@link #choose} weighs it. */
    record Candidate(String interfaceName, int interfaceIndex, InetAddress address) {
    }

    AdvertisedAddress {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(why, "why");
    }

    /**
     * Decides what to register.
     *
     * @param announce the configured advertise host and port, if any
     * @param bound the bound {@code swivel/1} address
     * @return the address to register
     */
    static AdvertisedAddress of(Announce announce, InetSocketAddress bound) {
        return of(announce, bound, AdvertisedAddress::interfaceAddresses);
    }

    static AdvertisedAddress of(Announce announce, InetSocketAddress bound, CandidateSource interfaces) {
        int port = announce.advertisePort() != 0 ? announce.advertisePort() : bound.getPort();
        String portWhy = announce.advertisePort() != 0 ? "" : " (the bound port)";
        if (announce.advertiseHost() != null) {
            return new AdvertisedAddress(announce.advertiseHost(), port, "--advertise-address" + portWhy);
        }
        InetAddress address = bound.getAddress();
        if (address != null && !address.isAnyLocalAddress()) {
            return new AdvertisedAddress(address.getHostAddress(), port, "the bound address");
        }
        return choose(interfaces.candidates())
                .map(c -> new AdvertisedAddress(c.address().getHostAddress(), port, "a wildcard bind: "
                        + "the first address of interface " + c.interfaceName()
                        + "; set --advertise-address to choose another"))
                .orElseGet(() -> new AdvertisedAddress("127.0.0.1", port, "a wildcard bind, "
                        + "and no interface but loopback is up; set --advertise-address"));
    }

    /** Where the candidates come from: the machine's interfaces, or a list in tests. */
    interface CandidateSource {
        List<Candidate> candidates();
    }

    /**
     * The best candidate: IPv4 before IPv6, then by interface index and the interface's order.
     *
     * @param candidates every address of every interface that is up
     * @return the one to register, or empty if none fits
     */
    static Optional<Candidate> choose(List<Candidate> candidates) {
        return candidates.stream().filter(AdvertisedAddress::fits)
                .min(Comparator.comparing((Candidate c) -> c.address() instanceof Inet4Address ? 0 : 1)
                        .thenComparingInt(Candidate::interfaceIndex));
    }

    private static boolean fits(Candidate candidate) {
        InetAddress address = candidate.address();
        String name = candidate.interfaceName();
        return !address.isLoopbackAddress() && !address.isLinkLocalAddress() && !address.isAnyLocalAddress()
                && !address.isMulticastAddress() && !name.startsWith("docker") && !name.startsWith("br-")
                && !name.startsWith("veth") && !name.startsWith("virbr") && !name.startsWith("cni");
    }

    private static List<Candidate> interfaceAddresses() {
        List<Candidate> all = new ArrayList<>();
        try {
            Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
            while (interfaces != null && interfaces.hasMoreElements()) {
                NetworkInterface nic = interfaces.nextElement();
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
                    continue;
                }
                Enumeration<InetAddress> addresses = nic.getInetAddresses();
                while (addresses.hasMoreElements()) {
                    all.add(new Candidate(nic.getName(), nic.getIndex(), addresses.nextElement()));
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list this machine's network interfaces to choose the address "
                    + "to register for a wildcard bind (" + e.getMessage() + "); set --advertise-address", e);
        }
        return all;
    }
}
