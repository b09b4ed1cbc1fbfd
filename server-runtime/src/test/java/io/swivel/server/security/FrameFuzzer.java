package io.swivel.server.security;

import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameType;
import io.swivel.protocol.Status;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates {@code swivel/1} frames from real request frames of real services: mutated,
 * spliced, truncated, misnamed, random, and frames that break the framing itself. One instance
 * per thread; seeded, so a failure can be replayed.
 */
final class FrameFuzzer {

    /** A real call: where it goes, its encoded arguments, and the answer it must get unmutated. */
    record Seed(String service, String methodKey, byte[] body, Status status, Object result) {
    }

    /** A frame to send, whether the server must answer it, and what an exact answer is (or null). */
    record Fuzzed(String kind, byte[] bytes, long requestId, boolean answered, Seed exact) {
    }

    /** Ways to break a connection's framing; each must make the server close it. */
    enum Killer {
        BAD_MAGIC, UNKNOWN_TYPE, RESPONSE_FROM_CLIENT, NEGATIVE_LENGTH, OVERSIZED_LENGTH, SHORT_LENGTH,
        NEGATIVE_TIMEOUT, STRING_PAST_END, EMPTY_NAMES,
        /** A frame cut short, then the end of the stream: the server must close, not wait. */
        TRUNCATED,
        /** Random bytes, then the end of the stream (they may happen to hold a frame or two). */
        GARBAGE
    }

    private static final int[] INTERESTING = {0, 1, 2, 0x7F, 0x80, 0xFF, 0x3FFF, 0x4000, 0xFFFF, Integer.MAX_VALUE,
        Integer.MIN_VALUE, -1, 1 << 24, 1 << 26};

    private final SplittableRandom random;
    private final List<Seed> seeds;
    private final int maxFrameLength;
    private long nextId;

    FrameFuzzer(long seed, List<Seed> seeds, int maxFrameLength) {
        this.random = new SplittableRandom(seed);
        this.seeds = seeds;
        this.maxFrameLength = maxFrameLength;
    }

    /** A unique id with random high bits (negative ones included). */
    private long id() {
        nextId++;
        return random.nextInt(4) == 0 ? ((long) random.nextInt() << 32) | nextId : nextId;
    }

    /** A frame the server must answer without closing the connection. */
    Fuzzed answerable() {
        int choice = random.nextInt(100);
        Seed seed = seeds.get(random.nextInt(seeds.size()));
        long id = id();
        if (choice < 3) {
            return new Fuzzed("exact", request(id, seed.service(), seed.methodKey(), "", 30_000, seed.body()), id, true, seed);
        }
        if (choice < 55) {
            return new Fuzzed("mutated body", request(id, seed.service(), seed.methodKey(), "", timeout(),
                    mutate(seed.body())), id, true, null);
        }
        if (choice < 65) {
            return new Fuzzed("random body", request(id, seed.service(), seed.methodKey(), "", timeout(), randomBody()),
                    id, true, null);
        }
        if (choice < 75) {
            Seed other = seeds.get(random.nextInt(seeds.size()));
            return new Fuzzed("spliced body", request(id, seed.service(), seed.methodKey(), "", timeout(),
                    splice(seed.body(), other.body())), id, true, null);
        }
        if (choice < 80) {
            byte[] lie = seed.body().clone();
            return new Fuzzed("varint lie", request(id, seed.service(), seed.methodKey(), "", timeout(),
                    insertVarInt(lie)), id, true, null);
        }
        if (choice < 92) {
            String service = random.nextInt(3) == 0 ? seed.service() : mutateText(seed.service());
            String method = random.nextInt(3) == 0 ? seed.methodKey() : mutateText(seed.methodKey());
            String constraint = switch (random.nextInt(5)) {
                case 0 -> "";
                case 1 -> "1.*";
                case 2 -> "9.9.9";
                case 3 -> randomText(1 + random.nextInt(12));
                default -> "*";
            };
            return new Fuzzed("names", request(id, service, method, constraint, timeout(),
                    random.nextBoolean() ? seed.body() : mutate(seed.body())), id, true, null);
        }
        if (choice < 96) {
            FrameType type = random.nextBoolean() ? FrameType.PING : FrameType.HELLO;
            return new Fuzzed(type.name(), control(id, type, randomBytes(random.nextInt(40))), id, true, null);
        }
        // PONG and GOAWAY from a client need no answer and must not close the connection.
        FrameType type = random.nextBoolean() ? FrameType.PONG : FrameType.GOAWAY;
        return new Fuzzed(type.name(), control(id, type, randomBytes(random.nextInt(40))), id, false, null);
    }

    private int timeout() {
        return switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> 1 + random.nextInt(3); // may pass before the call runs: DEADLINE_EXCEEDED
            default -> 30_000;
        };
    }

    /** A killer of the given kind. */
    byte[] killer(Killer kind) {
        Seed seed = seeds.get(random.nextInt(seeds.size()));
        byte[] real = request(id(), seed.service(), seed.methodKey(), "", 30_000, seed.body());
        ByteBuffer b;
        switch (kind) {
            case BAD_MAGIC -> {
                byte[] bytes = real.clone();
                byte magic;
                do {
                    magic = (byte) random.nextInt(256);
                } while (magic == Frame.MAGIC_V1);
                bytes[4] = magic;
                return bytes;
            }
            case UNKNOWN_TYPE -> {
                byte[] bytes = real.clone();
                int type;
                do {
                    type = random.nextInt(256) - 128;
                } while ((type >= 1 && type <= 6) || type == (byte) (FrameType.REQUEST.code() | Frame.FLAG_METADATA));
                bytes[5] = (byte) type; // 0x82 is a REQUEST with a metadata block, a known type
                return bytes;
            }
            case RESPONSE_FROM_CLIENT -> {
                b = ByteBuffer.allocate(4 + 11 + 3);
                b.putInt(11 + 3).put(Frame.MAGIC_V1).put(FrameType.RESPONSE.code()).putLong(id())
                        .put((byte) random.nextInt(8)).put(new byte[] {1, 2, 3});
                return b.array();
            }
            case NEGATIVE_LENGTH -> {
                byte[] bytes = real.clone();
                ByteBuffer.wrap(bytes).putInt(0, Integer.MIN_VALUE | random.nextInt());
                return bytes;
            }
            case OVERSIZED_LENGTH -> {
                byte[] bytes = real.clone();
                int length = maxFrameLength + 1 + random.nextInt(Integer.MAX_VALUE - maxFrameLength - 1);
                ByteBuffer.wrap(bytes).putInt(0, length);
                return bytes;
            }
            case SHORT_LENGTH -> {
                int length = random.nextInt(Frame.HEADER_LENGTH);
                return Arrays.copyOf(ByteBuffer.allocate(4).putInt(length).array(), 4 + length);
            }
            case NEGATIVE_TIMEOUT -> {
                byte[] bytes = real.clone();
                ByteBuffer.wrap(bytes).putInt(4 + Frame.HEADER_LENGTH, Integer.MIN_VALUE | random.nextInt());
                return bytes;
            }
            case STRING_PAST_END -> {
                byte[] bytes = real.clone();
                int frameLength = bytes.length - 4;
                // the service name's length now reaches past the end of the frame
                ByteBuffer.wrap(bytes).putShort(4 + Frame.HEADER_LENGTH + 4,
                        (short) Math.min(0xFFFF, frameLength + 1 + random.nextInt(100)));
                return bytes;
            }
            case EMPTY_NAMES -> {
                return random.nextBoolean() ? request(id(), "", seed.methodKey(), "", 1000, seed.body())
                        : request(id(), seed.service(), "", "", 1000, seed.body());
            }
            case TRUNCATED -> {
                return Arrays.copyOf(real, 1 + random.nextInt(real.length - 1));
            }
            case GARBAGE -> {
                return randomBytes(1 + random.nextInt(64));
            }
            default -> throw new IllegalArgumentException(kind.name());
        }
    }

    Killer anyKiller() {
        Killer[] all = Killer.values();
        return all[random.nextInt(all.length)];
    }

    // --- mutations ----------------------------------------------------------------------------------

    byte[] mutate(byte[] body) {
        byte[] bytes = body.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            int op = random.nextInt(8);
            if (bytes.length == 0) {
                op = 4;
            }
            switch (op) {
                case 0 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                case 1 -> bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length)); // truncate
                case 3 -> { // delete one byte
                    int at = random.nextInt(bytes.length);
                    byte[] shorter = new byte[bytes.length - 1];
                    System.arraycopy(bytes, 0, shorter, 0, at);
                    System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                    bytes = shorter;
                }
                case 4 -> { // append random bytes
                    byte[] tail = randomBytes(1 + random.nextInt(16));
                    byte[] longer = Arrays.copyOf(bytes, bytes.length + tail.length);
                    System.arraycopy(tail, 0, longer, bytes.length, tail.length);
                    bytes = longer;
                }
                case 5 -> bytes = insertVarInt(bytes);
                case 6 -> { // duplicate a slice
                    int from = random.nextInt(bytes.length);
                    int to = from + random.nextInt(bytes.length - from) + 1;
                    byte[] longer = new byte[bytes.length + (to - from)];
                    System.arraycopy(bytes, 0, longer, 0, to);
                    System.arraycopy(bytes, from, longer, to, bytes.length - from);
                    bytes = longer;
                }
                default -> bytes[random.nextInt(bytes.length)] = (byte) (random.nextBoolean() ? 0 : 0xFF);
            }
        }
        return bytes;
    }

    /** Overwrites a random position with a varint of an interesting value (a length, a count, an id). */
    private byte[] insertVarInt(byte[] body) {
        int value = INTERESTING[random.nextInt(INTERESTING.length)];
        byte[] varint = varInt(value);
        int at = body.length == 0 ? 0 : random.nextInt(body.length);
        byte[] out = Arrays.copyOf(body, Math.max(body.length, at + varint.length));
        System.arraycopy(varint, 0, out, at, varint.length);
        return out;
    }

    private static byte[] varInt(int value) {
        ByteBuffer b = ByteBuffer.allocate(5);
        int v = value;
        while ((v & ~0x7F) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
        return Arrays.copyOf(b.array(), b.position());
    }

    private byte[] splice(byte[] a, byte[] b) {
        int cutA = random.nextInt(a.length + 1);
        int cutB = random.nextInt(b.length + 1);
        byte[] out = Arrays.copyOf(a, cutA + (b.length - cutB));
        System.arraycopy(b, cutB, out, cutA, b.length - cutB);
        return out;
    }

    private byte[] randomBody() {
        byte[] bytes = randomBytes(random.nextInt(48));
        if (bytes.length > 0 && random.nextBoolean()) {
            bytes[0] = 1; // one argument: get past the count more often
        }
        return bytes;
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private String mutateText(String text) {
        return switch (random.nextInt(4)) {
            case 0 -> randomText(1 + random.nextInt(40));
            case 1 -> text.substring(0, 1 + random.nextInt(text.length()));
            case 2 -> text + randomText(1 + random.nextInt(4));
            default -> {
                char[] chars = text.toCharArray();
                chars[random.nextInt(chars.length)] = (char) (32 + random.nextInt(0x3000));
                yield new String(chars);
            }
        };
    }

    private String randomText(int n) {
        StringBuilder text = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            text.append((char) (random.nextInt(5) == 0 ? 0x80 + random.nextInt(0x2000) : 32 + random.nextInt(95)));
        }
        return text.toString();
    }

    // --- encoding -------------------------------------------------------------------------------------

    /** A request frame's bytes, length prefix included, written field by field. */
    static byte[] request(long id, String service, String methodKey, String constraint, int timeoutMillis, byte[] body) {
        byte[] s = service.getBytes(StandardCharsets.UTF_8);
        byte[] m = methodKey.getBytes(StandardCharsets.UTF_8);
        byte[] c = constraint.getBytes(StandardCharsets.UTF_8);
        int length = Frame.HEADER_LENGTH + 4 + 2 + s.length + 2 + m.length + 2 + c.length + body.length;
        ByteBuffer b = ByteBuffer.allocate(4 + length);
        b.putInt(length).put(Frame.MAGIC_V1).put(FrameType.REQUEST.code()).putLong(id).putInt(timeoutMillis);
        b.putShort((short) s.length).put(s).putShort((short) m.length).put(m).putShort((short) c.length).put(c);
        b.put(body);
        return b.array();
    }

    static byte[] control(long id, FrameType type, byte[] text) {
        ByteBuffer b = ByteBuffer.allocate(4 + Frame.HEADER_LENGTH + text.length);
        b.putInt(Frame.HEADER_LENGTH + text.length).put(Frame.MAGIC_V1).put(type.code()).putLong(id).put(text);
        return b.array();
    }
}
