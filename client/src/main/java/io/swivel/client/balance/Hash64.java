package io.swivel.client.balance;

import java.nio.charset.StandardCharsets;

/**
 * The 64-bit hash of the consistent-hash ring: FNV-1a over the bytes, then MurmurHash3's
 * {@code fmix64} finalizer, which spreads FNV's weak avalanche (inputs differing only in their
 * last bytes, such as {@code "a#1"} and {@code "a#2"}) over all 64 bits. Stable across JVMs and
 * releases: changing it would move keys between endpoints.
 */
final class Hash64 {

    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Hash64() {
    }

    static long of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    static long of(byte[] bytes) {
        long hash = FNV_OFFSET_BASIS;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return fmix64(hash);
    }

    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
