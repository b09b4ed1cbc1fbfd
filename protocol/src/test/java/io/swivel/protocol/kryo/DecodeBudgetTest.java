package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The decoder's budgets: a value that cannot be its declared type is refused when its class is
 * read, before anything is built; a body builds at most its budget of objects and collection
 * elements, counted before a collection is created; hash-flooded sets are refused after a bounded
 * amount of work (counted, never timed); the deadline and the caller are checked while decoding.
 */
class DecodeBudgetTest {

    interface Service {
        String greet(String name);

        int count(Object anything);

        int size(Set<List<Integer>> keys);

        int tags(Tagged tagged);

        int mixed(int primitive, List<? extends Number> numbers, Map<String, List<Integer>> map, String[] names,
                  Optional<String> maybe, Iterable<String> iterable);

        <T extends CharSequence> int bounded(List<T> texts);

        int sorted(java.util.SortedMap<String, Integer> map);

        int index(Map<String, String> index);

        void allow(Descending comparator);

        int pair(List<Integer> numbers, List<String> words, Map<String, Integer> scores, Map<Integer, String> names);

        int words(Set<String> words);
    }

    /** A comparator the allowlist knows. */
    static final class Descending implements java.util.Comparator<String> {
        @Override
        public int compare(String a, String b) {
            return b.compareTo(a);
        }
    }

    record Tagged(String name, List<String> tags) {
    }

    /** Same shape as {@link Tagged} with other element types; renamed on the wire to pose as one. */
    record Tagges(String name, List<Integer> tags) {
    }

    /** A plain class whose field's declared type bounds its value. */
    static class Holder {
        Map<String, Integer> scores;
    }

    /** Same field name, another value type; renamed on the wire to pose as a {@link Holder}. */
    static class Holdes {
        Map<Integer, Integer> scores;
    }

    interface Holders {
        void take(Holder holder);
    }

    private static SerializationContext context(Class<?>... services) {
        return SerializationContext.create(DecodeBudgetTest.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(services)), 64 << 20);
    }

    private static Type[] parameters(String name) {
        for (Method method : Service.class.getMethods()) {
            if (method.getName().equals(name)) {
                return method.getGenericParameterTypes();
            }
        }
        throw new AssertionError(name);
    }

    private static DecodeRefusedException refusal(Runnable decode) {
        try {
            decode.run();
        } catch (SerializationException e) {
            assertThat(e.refusal()).as("refusal of: " + e).isNotNull();
            return e.refusal();
        }
        throw new AssertionError("decoded");
    }

    @Test
    void aValueThatCannotBeTheDeclaredTypeIsRefusedAtItsFirstBytes() {
        SerializationContext context = context(Service.class);
        LinkedList<Map<String, String>> maps = new LinkedList<>();
        for (int i = 0; i < 100_000; i++) {
            maps.add(new HashMap<>());
        }
        byte[] body = context.encode(maps);
        DecodeBudget budget = DecodeBudget.defaults();

        DecodeRefusedException refused = refusal(() -> context.decode(body, parameters("greet"), budget));

        assertThat(refused.limit()).isEqualTo(DecodeRefusedException.Limit.DECLARED_TYPE);
        assertThat(refused.getMessage()).contains("a java.util.LinkedList where java.lang.String is declared (at byte 2 ");
        assertThat(budget.objects()).as("objects built before the refusal").isZero();
    }

    @Test
    void declaredTypesAcceptEveryWellTypedValue() {
        SerializationContext context = context(Service.class);
        Object[] values = {7, List.of(1, 2.5, 3L), new HashMap<>(Map.of("k", new ArrayList<>(List.of(1)))),
            new String[] {"a", null}, Optional.of("x"), new ArrayList<>(List.of(5))};
        byte[] body = context.encode(values);

        Object[] decoded = context.decode(body, parameters("mixed"), DecodeBudget.defaults());

        assertThat(decoded[0]).isEqualTo(7);
        assertThat(decoded[1]).isEqualTo(List.of(1, 2.5, 3L));
        assertThat(decoded[3]).isEqualTo(new String[] {"a", null});
        assertThat(decoded[4]).isEqualTo(Optional.of("x"));
        assertThat(context.decode(context.encode(List.of("a", "b")), parameters("bounded"), // T extends CharSequence
                DecodeBudget.defaults())[0]).asList().hasSize(2);
        assertThat(refusal(() -> context.decode(context.encode(List.of(1)), parameters("bounded"), DecodeBudget.defaults()))
                .getMessage()).contains("a java.lang.Integer where T is declared");
        assertThat(context.decode(context.encode(new LinkedList<>(List.of(1))), parameters("count"),
                DecodeBudget.defaults())).hasSize(1);
        // A sorted map's comparator travels in its header: it is not a key.
        java.util.TreeMap<String, Integer> sorted = new java.util.TreeMap<>(new Descending());
        sorted.put("a", 1);
        sorted.put("b", 2);
        assertThat(context.decode(context.encode(sorted), parameters("sorted"), DecodeBudget.defaults())[0])
                .isEqualTo(sorted);
    }

    @Test
    void elementsKeysValuesAndComponentsAreBoundByTheirDeclaredTypes() {
        SerializationContext context = context(Service.class);
        Type[] mixed = parameters("mixed");
        Object[] good = {7, List.of(1), new HashMap<>(Map.of("k", new ArrayList<>(List.of(1)))), new String[0],
            Optional.empty(), new ArrayList<>()};

        Object[] stringAsInt = good.clone();
        stringAsInt[0] = "7";
        Object[] stringInNumbers = good.clone();
        stringInNumbers[1] = List.of(1, "two");
        Object[] integerKey = good.clone();
        integerKey[2] = new HashMap<>(Map.of(1, new ArrayList<>()));
        Object[] stringInInnerList = good.clone();
        stringInInnerList[2] = new HashMap<>(Map.of("k", new ArrayList<>(List.of("x"))));
        Object[] integerArray = good.clone();
        integerArray[3] = new Integer[] {1};
        Object[] optionalInteger = good.clone();
        optionalInteger[4] = Optional.of(1);

        for (Object[] bad : List.of(stringAsInt, stringInNumbers, integerKey, stringInInnerList, integerArray, optionalInteger)) {
            byte[] body = context.encode(bad);
            assertThat(refusal(() -> context.decode(body, mixed, DecodeBudget.defaults())).limit())
                    .isEqualTo(DecodeRefusedException.Limit.DECLARED_TYPE);
        }
        // Only JDK collection, map and Optional types pass their arguments on: Iterable<String> takes any element.
        Object[] anyInRaw = good.clone();
        anyInRaw[5] = new ArrayList<>(List.of(1));
        assertThat(context.decode(context.encode(anyInRaw), mixed, DecodeBudget.defaults())).hasSize(6);
    }

    @Test
    void eachContainerIsBoundByItsOwnDeclaredTypeNotByTheOneBeforeIt() {
        // The decoder works a container's element types out once and keeps the last: containers
        // of other declared types, one after another and body after body, must not share them.
        SerializationContext context = context(Service.class);
        Type[] pair = parameters("pair");
        Object[] good = {List.of(1, 2), List.of("a", "b"), new HashMap<>(Map.of("k", 1)), new HashMap<>(Map.of(1, "v"))};
        Object[] wordInNumbers = good.clone();
        wordInNumbers[0] = List.of(1, "two");
        Object[] numberInWords = good.clone();
        numberInWords[1] = List.of("a", 2);
        Object[] numberAsScoreKey = good.clone();
        numberAsScoreKey[2] = new HashMap<>(Map.of(1, 1));
        Object[] wordAsNameValue = good.clone();
        wordAsNameValue[3] = new HashMap<>(Map.of(1, 1));

        for (int round = 0; round < 3; round++) {
            assertThat(context.decode(context.encode(good), pair, DecodeBudget.defaults())).containsExactly(good);
            for (Object[] bad : List.of(wordInNumbers, numberInWords, numberAsScoreKey, wordAsNameValue)) {
                byte[] body = context.encode(bad);
                assertThat(refusal(() -> context.decode(body, pair, DecodeBudget.defaults())).limit())
                        .isEqualTo(DecodeRefusedException.Limit.DECLARED_TYPE);
            }
        }
    }

    @Test
    void theFieldsOfRecordsAndPlainClassesAreBoundByTheirDeclaredTypes() {
        SerializationContext context = context(Service.class, Holders.class);
        byte[] record = Bodies.replaceName(context.encode(new Tagges("n", List.of(1))), Tagges.class.getName(),
                Tagged.class.getName());
        DecodeRefusedException refused = refusal(() -> context.decode(record, parameters("tags"), DecodeBudget.defaults()));
        assertThat(refused.limit()).isEqualTo(DecodeRefusedException.Limit.DECLARED_TYPE);
        assertThat(refused.getMessage()).contains(Tagged.class.getName() + ".tags: a java.lang.Integer where java.lang.String");

        SerializationContext holders = context(Holders.class, Holdes.class);
        Holdes holdes = new Holdes();
        holdes.scores = new HashMap<>(Map.of(1, 1));
        byte[] plain = Bodies.replaceName(holders.encode(holdes), Holdes.class.getName(), Holder.class.getName());
        assertThat(refusal(() -> holders.decode(plain, new Type[] {Holder.class}, DecodeBudget.defaults())).getMessage())
                .contains("scores: a java.lang.Integer where java.lang.String is declared");
        // The well-typed original decodes.
        assertThat(context.decode(context.encode(new Tagged("n", List.of("a"))), parameters("tags"), DecodeBudget.defaults())[0])
                .isEqualTo(new Tagged("n", List.of("a")));
    }

    @Test
    void aBodyBuildsAtMostItsBudgetOfObjectsAndElements() {
        SerializationContext context = context(Service.class);
        LinkedList<Map<String, String>> maps = new LinkedList<>();
        for (int i = 0; i < 20_000; i++) {
            maps.add(new HashMap<>());
        }
        byte[] body = context.encode(maps);
        DecodeBudget budget = DecodeBudget.of(10_000, 0, () -> true);

        DecodeRefusedException refused = refusal(() -> context.decode(body, parameters("count"), budget));

        assertThat(refused.limit()).isEqualTo(DecodeRefusedException.Limit.OBJECTS);
        assertThat(refused.getMessage()).contains("more than 10000 objects and collection elements (limit: 10000, "
                + "--max-decode-objects); refused after 1, before building 20000 more");
        // The same body within a larger cap decodes.
        assertThat(context.decode(body, parameters("count"), DecodeBudget.of(50_000, 0, () -> true))).hasSize(1);
    }

    @Test
    void aFewBytesCannotClaimMoreElementsThanAMultipleOfTheirLength() {
        SerializationContext context = context(Service.class);
        List<List<Object>> lists = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            lists.add(new ArrayList<>(Collections.nCopies(4_000, null))); // all null: 5 bytes each
        }
        byte[] body = context.encode(lists);
        assertThat(body.length).isLessThan(300);

        DecodeRefusedException refused = refusal(() -> context.decode(body, parameters("count"), DecodeBudget.defaults()));

        assertThat(refused.limit()).isEqualTo(DecodeRefusedException.Limit.OBJECTS);
        assertThat(refused.getMessage()).contains("(limit: 8 per body byte + 4096)");
    }

    /** Two-element lists [i, -31 i]: List.hashCode is 31 (31 + i) - 31 i = 961 for every i. */
    private static List<List<Integer>> collidingKeys(int n) {
        List<List<Integer>> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(new ArrayList<>(List.of(i, -31 * i)));
        }
        assertThat(new HashSet<>(keys.subList(0, 50)).stream().mapToInt(List::hashCode).distinct().count()).isEqualTo(1);
        return keys;
    }

    /** The body of a list re-labelled as another collection with the same wire form (no inserts while encoding). */
    private static byte[] relabel(byte[] listBody, String fromClass, String toClass) {
        int from = JdkTypes.FIRST_ID + JdkTypes.NAMES.indexOf(fromClass) + 2;
        int to = JdkTypes.FIRST_ID + JdkTypes.NAMES.indexOf(toClass) + 2;
        assertThat(listBody[1]).isEqualTo((byte) from);
        byte[] body = listBody.clone();
        body[1] = (byte) to;
        return body;
    }

    /** The 2^pairs strings of {@code pairs} pairs "Aa" or "BB", which all hash alike, as "Aa" and "BB" do. */
    private static List<String> equalHashStrings(int pairs) {
        List<String> strings = new ArrayList<>(List.of(""));
        for (int i = 0; i < pairs; i++) {
            List<String> longer = new ArrayList<>();
            for (String string : strings) {
                longer.add(string + "Aa");
                longer.add(string + "BB");
            }
            strings = longer;
        }
        assertThat(strings.stream().mapToInt(String::hashCode).distinct().count()).isEqualTo(1);
        return strings;
    }

    @Test
    void aSetFloodedWithEqualHashStringsIsRefusedToo() {
        // The flood with strings as keys (each weighs one object).
        List<String> keys = equalHashStrings(14);
        SerializationContext context = context(Service.class);
        byte[] body = relabel(context.encode(keys), "java.util.ArrayList", "java.util.HashSet");
        DecodeBudget budget = DecodeBudget.defaults();

        DecodeRefusedException refused = refusal(() -> context.decode(body, parameters("words"), budget));

        assertThat(refused.limit()).isEqualTo(DecodeRefusedException.Limit.HASH_COLLISIONS);
        long limit = Math.min(DecodeBudget.DEFAULT_MAX_OBJECTS, 8L * body.length + 4096);
        assertThat(budget.hashWork()).isGreaterThan(limit).isLessThanOrEqualTo(limit + keys.size());
    }

    /** A body of one {@code LinkedHashMap} read as a {@code HashMap}: the same bytes but the class id. */
    private static byte[] asHashMap(byte[] linkedHashMapBody) {
        return relabel(linkedHashMapBody, "java.util.LinkedHashMap", "java.util.HashMap");
    }

    @Test
    void aMapFloodedWithEqualHashKeysIsRefused() {
        List<String> keys = equalHashStrings(14);
        Map<String, String> flooded = new java.util.LinkedHashMap<>();
        for (String key : keys) {
            flooded.put(key, "v");
        }
        SerializationContext context = context(Service.class);
        byte[] body = asHashMap(context.encode(flooded));
        DecodeBudget budget = DecodeBudget.defaults();

        DecodeRefusedException refused = refusal(() -> context.decode(body, parameters("index"), budget));

        assertThat(refused.limit()).isEqualTo(DecodeRefusedException.Limit.HASH_COLLISIONS);
        long limit = Math.min(DecodeBudget.DEFAULT_MAX_OBJECTS, 8L * body.length + 4096);
        assertThat(budget.hashWork()).isGreaterThan(limit).isLessThanOrEqualTo(limit + keys.size());
    }

    @Test
    void aMapsValuesAreNotHashedSoEqualHashValuesCostNothing() {
        List<String> values = equalHashStrings(14);
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            map.put("key-" + i, values.get(i));
        }
        SerializationContext context = context(Service.class);
        byte[] body = asHashMap(context.encode(map));
        DecodeBudget budget = DecodeBudget.defaults();

        Object[] decoded = context.decode(body, parameters("index"), budget);

        assertThat((Map<?, ?>) decoded[0]).isInstanceOf(HashMap.class).isEqualTo(map);
        assertThat(budget.hashWork()).as("the keys' few real collisions only").isLessThan(1_000);
    }

    @Test
    void aHashFloodedSetIsRefusedAfterABoundedAmountOfWork() {
        SerializationContext context = context(Service.class);
        int n = 40_000;
        byte[] body = relabel(context.encode(new ArrayList<>(collidingKeys(n))), "java.util.ArrayList", "java.util.HashSet");
        DecodeBudget budget = DecodeBudget.defaults();

        DecodeRefusedException refused = refusal(() -> context.decode(body, parameters("size"), budget));

        assertThat(refused.limit()).isEqualTo(DecodeRefusedException.Limit.HASH_COLLISIONS);
        // Each key costs its weight (5: the list, its two element slots, its two Integers) times the
        // keys before it: the refusal comes within one key's charge of the limit, after a few
        // hundred keys of the 40,000.
        long limit = Math.min(DecodeBudget.DEFAULT_MAX_OBJECTS, 8L * body.length + 4096);
        assertThat(budget.hashWork()).isGreaterThan(limit).isLessThanOrEqualTo(limit + 5L * n);
        // The set's 40,000 elements were counted when it was created, then about 630 keys were decoded.
        assertThat(budget.objects()).as("objects decoded before the refusal").isLessThan(n + 1 + 5L * 1_000);
        System.out.printf("DecodeBudgetTest: a %,d-byte HashSet of %,d equal-hash lists refused after %,d objects "
                + "(%,d keys) and %,d key comparisons counted%n", body.length, n, budget.objects(),
                (budget.objects() - n - 1) / 5, budget.hashWork());
    }

    @Test
    void keysWithDistinctHashCodesCostNoHashWork() {
        SerializationContext context = context(Service.class);
        List<List<Integer>> keys = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            keys.add(new ArrayList<>(List.of(i, i)));
        }
        byte[] body = relabel(context.encode(new ArrayList<>(keys)), "java.util.ArrayList", "java.util.HashSet");
        DecodeBudget budget = DecodeBudget.defaults();

        Object[] decoded = context.decode(body, parameters("size"), budget);

        assertThat((Set<?>) decoded[0]).hasSize(40_000);
        assertThat(budget.hashWork()).isLessThan(1_000); // the few real collisions of 31 (31 + i) + i
    }

    @Test
    void anImmutableSetWhoseKeysProbeOneSlotIsRefusedBeforeItIsBuilt() {
        SerializationContext context = context(Service.class);
        int n = 10_000;
        List<Integer> sameSlot = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sameSlot.add(i * 2 * n); // Set.of probes floorMod(hash, 2 n): all land in slot 0
        }
        byte[] body = relabel(context.encode(List.copyOf(sameSlot)), "java.util.ImmutableCollections$ListN",
                "java.util.ImmutableCollections$SetN");
        DecodeBudget budget = DecodeBudget.defaults();

        DecodeRefusedException refused = refusal(() -> context.decode(body, new Type[] {Object.class}, budget));

        assertThat(refused.limit()).isEqualTo(DecodeRefusedException.Limit.HASH_COLLISIONS);
        assertThat(budget.hashWork()).isLessThanOrEqualTo(Math.min(DecodeBudget.DEFAULT_MAX_OBJECTS, 8L * body.length + 4096)
                + DecodeBudget.CHECK_EVERY);
        // Spread keys decode into the same immutable set type.
        List<Integer> spread = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            spread.add(i);
        }
        byte[] fine = relabel(context.encode(List.copyOf(spread)), "java.util.ImmutableCollections$ListN",
                "java.util.ImmutableCollections$SetN");
        assertThat(context.decode(fine, new Type[] {Object.class}, DecodeBudget.defaults())[0]).isEqualTo(Set.copyOf(spread));
    }

    @Test
    void aPassedDeadlineStopsTheDecodeBeforeItStarts() {
        SerializationContext context = context(Service.class);
        byte[] body = context.encode("Ada");
        DecodeBudget budget = DecodeBudget.of(1000, System.nanoTime() - 1, () -> true);

        DecodeRefusedException refused = refusal(() -> context.decode(body, parameters("greet"), budget));

        assertThat(refused.limit()).isEqualTo(DecodeRefusedException.Limit.DEADLINE);
        assertThat(budget.objects()).isZero();
    }

    @Test
    void theCallerIsCheckedPeriodicallyWhileDecoding() {
        SerializationContext context = context(Service.class);
        byte[] body = context.encode(new ArrayList<>(Collections.nCopies(50_000, 1)));
        AtomicInteger checks = new AtomicInteger();
        DecodeBudget budget = DecodeBudget.of(1_000_000, 0, () -> checks.incrementAndGet() <= 3); // gone at the 4th check

        DecodeRefusedException refused = refusal(() -> context.decode(body, parameters("count"), budget));

        assertThat(refused.limit()).isEqualTo(DecodeRefusedException.Limit.CALLER_GONE);
        assertThat(checks.get()).isEqualTo(4);
        // Checked every 1024 units after the start: the list's 50,000 elements are charged at once,
        // then two more checks came within 2 x 1024 of its objects.
        assertThat(budget.objects()).isBetween(50_001L, 50_001L + 3L * DecodeBudget.CHECK_EVERY);
    }
}
