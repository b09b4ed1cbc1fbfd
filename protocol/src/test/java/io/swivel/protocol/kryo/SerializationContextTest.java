package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerializationContextTest {

    private static final ClassLoader TEST_LOADER = SerializationContextTest.class.getClassLoader();
    private static final int MAX_BODY = 1 << 20;

    interface Shop {
        Order place(Order order);

        Receipt receipt(Receipt receipt, Instant at, BigDecimal total, UUID id, URI link, Optional<String> note);

        Map<String, List<Item>> group(List<Item> items, Item[] array, int[] counts, long[][] grid, Color color);

        CompletableFuture<Receipt> later();
    }

    enum Color {
        RED, GREEN,
        BLUE {
            @Override
            public String toString() {
                return "blue!";
            }
        }
    }

    static class Item {
        private String name;
        private int quantity;
        private Color color;

        Item() {
        }

        Item(String name, int quantity, Color color) {
            this.name = name;
            this.quantity = quantity;
            this.color = color;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Item other && Objects.equals(name, other.name) && quantity == other.quantity
                    && color == other.color;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, quantity, color);
        }

        @Override
        public String toString() {
            return "Item[" + name + ", " + quantity + ", " + color + "]";
        }
    }

    static final class Order {
        private String id;
        private List<Item> items;
        private Map<String, Long> totals;
        private Item primary;
        private String note;
        private double weight;

        @Override
        public boolean equals(Object o) {
            return o instanceof Order other && Objects.equals(id, other.id) && Objects.equals(items, other.items)
                    && Objects.equals(totals, other.totals) && Objects.equals(primary, other.primary)
                    && Objects.equals(note, other.note) && weight == other.weight;
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, items, totals, primary, note, weight);
        }
    }

    record Receipt(String id, BigDecimal total, List<Item> items, Color color, int count, Instant at) {
    }

    private static SerializationContext shop() {
        return SerializationContext.create(TEST_LOADER, TypeAllowlist.forServices(List.of(Shop.class)), MAX_BODY);
    }

    private static Object roundTrip(Object value) {
        SerializationContext context = shop();
        Object[] decoded = context.decode(context.encode(value), 1);
        assertThat(decoded).hasSize(1);
        return decoded[0];
    }

    @Test
    void aPlainObjectWithNestedCollectionsAndNullsRoundTrips() {
        Order order = new Order();
        order.id = "o-1";
        order.items = new ArrayList<>(List.of(new Item("tea", 2, Color.GREEN), new Item(null, 0, null)));
        order.totals = new LinkedHashMap<>(Map.of("eur", 12L));
        order.primary = new Item("tea", 2, Color.GREEN);
        order.note = null;
        order.weight = 1.25;

        Object decoded = roundTrip(order);
        assertThat(decoded).isNotSameAs(order).isEqualTo(order);
    }

    @Test
    void aRecordRoundTrips() {
        Receipt receipt = new Receipt("r-1", new BigDecimal("19.99"), List.of(new Item("tea", 1, Color.RED)),
                Color.GREEN, 3, Instant.parse("2024-05-06T07:08:09.123456789Z"));
        assertThat(roundTrip(receipt)).isEqualTo(receipt);

        Receipt sparse = new Receipt(null, null, null, null, 0, null);
        assertThat(roundTrip(sparse)).isEqualTo(sparse);
    }

    @Test
    void nestedGenericsRoundTrip() {
        Map<String, List<Item>> grouped = new HashMap<>();
        grouped.put("red", new ArrayList<>(List.of(new Item("a", 1, Color.RED), new Item("b", 2, Color.RED))));
        grouped.put("none", new ArrayList<>());
        grouped.put("immutable", List.of(new Item("c", 3, Color.GREEN)));
        assertThat(roundTrip(grouped)).isEqualTo(grouped);

        Map<String, List<Item>> sorted = new TreeMap<>(grouped);
        Object decoded = roundTrip(sorted);
        assertThat(decoded).isInstanceOf(TreeMap.class).isEqualTo(sorted);
    }

    @Test
    void arraysRoundTrip() {
        Item[] items = {new Item("a", 1, Color.RED), null};
        assertThat((Item[]) roundTrip(items)).containsExactly(items);
        assertThat((int[]) roundTrip(new int[] {1, -2, Integer.MAX_VALUE})).containsExactly(1, -2, Integer.MAX_VALUE);
        long[][] grid = {{1L, 2L}, {}, {Long.MIN_VALUE}};
        assertThat((long[][]) roundTrip(grid)).isDeepEqualTo(grid);
        assertThat((String[]) roundTrip(new String[] {"x", null, "ü"})).containsExactly("x", null, "ü");
    }

    @Test
    void enumsRoundTripToTheSameConstants() {
        assertThat(roundTrip(Color.RED)).isSameAs(Color.RED);
        assertThat(roundTrip(Color.GREEN)).isSameAs(Color.GREEN);
    }

    @Test
    void anEnumConstantWithABodyRoundTrips() {
        // Color.BLUE's class is the anonymous Color$1; it is still a Color the interface declares.
        assertThat(roundTrip(Color.BLUE)).isSameAs(Color.BLUE);
    }

    @Test
    void jdkValueTypesRoundTrip() {
        List<Object> values = List.of(Instant.parse("2024-01-02T03:04:05Z"), new BigDecimal("-1234567890.0987654321"),
                Optional.of("note"), Optional.empty(), List.of(1, 2, 3), List.of(), List.of("one"), Set.of("a", "b"),
                Map.of("k", 1), LocalDate.of(2024, 2, 29), Duration.ofMillis(1500),
                ZonedDateTime.parse("2024-03-31T02:30+02:00[Europe/Paris]"), "text ✓", 42, 42L, 4.2d, 'c', true);
        for (Object value : values) {
            assertThat(roundTrip(value)).as("%s (%s)", value, value.getClass().getName()).isEqualTo(value);
        }
    }

    @Test
    void uuidAndUriRoundTrip() {
        // Both are on the allowlist's list of well-known JDK types.
        UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(roundTrip(id)).isEqualTo(id);
        URI link = URI.create("https://example.com/a?b=c");
        assertThat(roundTrip(link)).isEqualTo(link);
    }

    @Test
    void severalValuesIncludingNullsKeepTheirOrder() {
        SerializationContext context = shop();
        Object[] values = {null, "a", new Item("x", 1, null), null, 7};
        assertThat(context.decode(context.encode(values), values.length)).containsExactly(values);
        assertThat(context.decode(context.encode(), 0)).isEmpty();
        assertThat(context.decode(context.encode(values), -1)).containsExactly(values);
    }

    @Test
    void theWrongNumberOfValuesIsRefused() {
        SerializationContext context = shop();
        byte[] two = context.encode("a", "b");
        assertThatThrownBy(() -> context.decode(two, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("2 values");
        assertThatThrownBy(() -> context.decode(two, 3)).isInstanceOf(SerializationException.class);
    }

    @Test
    void trailingBytesAreRefused() {
        SerializationContext context = shop();
        byte[] body = context.encode("a");
        byte[] longer = Arrays.copyOf(body, body.length + 1);
        assertThat(context.decode(body, 1)).containsExactly("a"); // control
        assertThatThrownBy(() -> context.decode(longer, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("1 unexpected bytes");
    }

    @Test
    void atMost255ValuesTravelInOneBody() {
        SerializationContext context = shop();
        assertThat(context.decode(context.encode(new Object[255]), 255)).hasSize(255);
        assertThatThrownBy(() -> context.encode(new Object[256])).isInstanceOf(SerializationException.class);

        Output out = new Output(16);
        out.writeVarInt(256, true);
        assertThatThrownBy(() -> context.decode(out.toBytes(), -1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("256 values");
    }

    @Test
    void aBodyOverTheLimitIsNotProduced() {
        SerializationContext context = SerializationContext.create(TEST_LOADER,
                TypeAllowlist.forServices(List.of(Shop.class)), 4096);
        assertThat(context.encode("x".repeat(3000))).hasSizeLessThan(4096);
        assertThatThrownBy(() -> context.encode("x".repeat(5000))).isInstanceOf(SerializationException.class);
        // The pooled output is still usable afterwards.
        assertThat(context.decode(context.encode("after"), 1)).containsExactly("after");
    }

    @Test
    void aLimitSmallerThanTheInitialBufferIsEnforcedToo() {
        SerializationContext context = SerializationContext.create(TEST_LOADER,
                TypeAllowlist.forServices(List.of(Shop.class)), 100);
        assertThat(context.encode("x".repeat(50))).hasSizeLessThanOrEqualTo(100);
        assertThatThrownBy(() -> context.encode("x".repeat(500))).isInstanceOf(SerializationException.class);
    }

    @Test
    void createChecksItsArguments() {
        TypeAllowlist allowlist = TypeAllowlist.forServices(List.of(Shop.class));
        assertThatThrownBy(() -> SerializationContext.create(null, allowlist, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SerializationContext.create(TEST_LOADER, null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SerializationContext.create(TEST_LOADER, allowlist, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBodyLength");
        assertThat(SerializationContext.create(TEST_LOADER, allowlist, 1).allowlist()).isSameAs(allowlist);
    }

    // --- depth -----------------------------------------------------------------------------------

    interface Chain {
        Node chain(Node head);
    }

    static class Node {
        int value;
        Node next;
    }

    private static Node chain(int length) {
        Node head = null;
        for (int i = length - 1; i >= 0; i--) {
            Node node = new Node();
            node.value = i;
            node.next = head;
            head = node;
        }
        return head;
    }

    private static int length(Node node) {
        int n = 0;
        for (Node at = node; at != null; at = at.next) {
            assertThat(at.value).isEqualTo(n);
            n++;
        }
        return n;
    }

    private static SerializationContext chainContext() {
        return SerializationContext.create(TEST_LOADER, TypeAllowlist.forServices(List.of(Chain.class)), MAX_BODY);
    }

    @Test
    void aGraphDeeperThanTheLimitIsNotEncoded() {
        SerializationContext context = chainContext();
        assertThat(length((Node) context.decode(context.encode(chain(30)), 1)[0])).isEqualTo(30); // control

        assertThatThrownBy(() -> context.encode(chain(10_000))).isInstanceOf(SerializationException.class)
                .hasMessageContaining("depth");
        // The pooled Kryo is not left in a broken state.
        assertThat(length((Node) context.decode(context.encode(chain(30)), 1)[0])).isEqualTo(30);
    }

    /** Writes bodies like the context does, but with no depth limit: what a hostile peer could send. */
    private static byte[] encodeWithoutDepthLimit(Object value) {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(false);
        kryo.setReferences(false);
        SerializationContext.configureSerializers(kryo);
        Output out = new Output(1024, -1);
        out.writeVarInt(1, true);
        kryo.writeClassAndObject(out, value);
        return out.toBytes();
    }

    @Test
    void aBodyDeeperThanTheLimitIsNotDecoded() {
        SerializationContext context = chainContext();
        byte[] shallow = encodeWithoutDepthLimit(chain(20));
        assertThat(length((Node) context.decode(shallow, 1)[0])).isEqualTo(20); // control: same format

        byte[] deep = encodeWithoutDepthLimit(chain(500));
        assertThatThrownBy(() -> context.decode(deep, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("depth");
        assertThat(length((Node) context.decode(shallow, 1)[0])).isEqualTo(20);
    }

    // --- concurrency -----------------------------------------------------------------------------

    @Test
    void oneContextServesManyThreadsAtOnce() throws Exception {
        SerializationContext context = shop();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        Item item = new Item("t" + thread + "-" + i, i, i % 2 == 0 ? Color.RED : Color.GREEN);
                        Receipt receipt = new Receipt("r" + i, BigDecimal.valueOf(i), List.of(item), Color.RED, i, null);
                        Object[] decoded = context.decode(context.encode(item, receipt), 2);
                        assertThat(decoded).containsExactly(item, receipt);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
