package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two versions of the same classes, compiled inside the test and loaded in two loaders, as a
 * client and a server on different bundle versions would have them.
 */
class SchemaEvolutionTest {

    private static final String V1_DTO = """
            package evo;

            public class Dto {
                public String name;
                public int age;
                public Dto() {
                }
                public Dto(String name, int age) {
                    this.name = name;
                    this.age = age;
                }
            }
            """;
    private static final String V2_DTO = """
            package evo;

            public class Dto {
                public String name;
                public String email;
                public Dto() {
                }
                public Dto(String name, String email) {
                    this.name = name;
                    this.email = email;
                }
            }
            """;
    private static final String V1_REC = "package evo; public record Rec(String name, int age) { }";
    private static final String V2_REC = "package evo; public record Rec(String name, String email) { }";
    private static final String API = """
            package evo;

            public interface Api {
                Dto dto(Dto dto);

                Rec rec(Rec rec);

                java.util.List<Rec> recs(java.util.List<Dto> dtos);
            }
            """;

    @TempDir
    static Path tmp;

    private static CompiledVersions versions;
    private static URLClassLoader v1;
    private static URLClassLoader v2;
    private static SerializationContext context1;
    private static SerializationContext context2;

    @BeforeAll
    static void compileBothVersions() throws Exception {
        versions = CompiledVersions.compile(tmp, Map.of("evo.Dto", V1_DTO, "evo.Rec", V1_REC, "evo.Api", API), Map.of("evo.Dto", V2_DTO, "evo.Rec", V2_REC, "evo.Api", API), "evo.Api");
        v1 = versions.v1;
        v2 = versions.v2;
        context1 = versions.context1;
        context2 = versions.context2;
    }

    @AfterAll
    static void closeLoaders() throws Exception {
        versions.close();
    }

    private static Object newInstance(ClassLoader loader, String type, Object... args) throws Exception {
        Class<?>[] types = new Class<?>[args.length];
        for (int i = 0; i < args.length; i++) {
            types[i] = args[i] instanceof Integer ? int.class : args[i].getClass();
        }
        return loader.loadClass(type).getConstructor(types).newInstance(args);
    }

    private static Object field(Object target, String name) throws Exception {
        Field field = target.getClass().getField(name);
        return field.get(target);
    }

    private static Object component(Object record, String name) throws Exception {
        return record.getClass().getMethod(name).invoke(record);
    }

    @Test
    void theTwoVersionsAreReallyDifferentClasses() throws Exception {
        Class<?> dto1 = v1.loadClass("evo.Dto");
        Class<?> dto2 = v2.loadClass("evo.Dto");
        assertThat(dto1).isNotSameAs(dto2);
        assertThat(dto1.getFields()).extracting(Field::getName).containsExactlyInAnyOrder("name", "age");
        assertThat(dto2.getFields()).extracting(Field::getName).containsExactlyInAnyOrder("name", "email");
    }

    @Test
    void aClassWithAFieldRemovedAndOneAddedDecodesBothWays() throws Exception {
        byte[] fromV1 = context1.encode(newInstance(v1, "evo.Dto", "Ada", 36));
        Object inV2 = context2.decode(fromV1, 1)[0];
        assertThat(inV2.getClass().getClassLoader()).isSameAs(v2);
        assertThat(field(inV2, "name")).isEqualTo("Ada");
        assertThat(field(inV2, "email")).isNull();

        byte[] fromV2 = context2.encode(newInstance(v2, "evo.Dto", "Grace", "grace@example.com"));
        Object inV1 = context1.decode(fromV2, 1)[0];
        assertThat(inV1.getClass().getClassLoader()).isSameAs(v1);
        assertThat(field(inV1, "name")).isEqualTo("Grace");
        assertThat(field(inV1, "age")).isEqualTo(0);
    }

    @Test
    void aRecordWithAComponentRemovedAndOneAddedDecodesBothWays() throws Exception {
        byte[] fromV1 = context1.encode(newInstance(v1, "evo.Rec", "Ada", 36));
        Object inV2 = context2.decode(fromV1, 1)[0];
        assertThat(inV2.getClass().getClassLoader()).isSameAs(v2);
        assertThat(component(inV2, "name")).isEqualTo("Ada");
        assertThat(component(inV2, "email")).isNull();

        byte[] fromV2 = context2.encode(newInstance(v2, "evo.Rec", "Grace", "grace@example.com"));
        Object inV1 = context1.decode(fromV2, 1)[0];
        assertThat(inV1.getClass().getClassLoader()).isSameAs(v1);
        assertThat(component(inV1, "name")).isEqualTo("Grace");
        assertThat(component(inV1, "age")).isEqualTo(0);
    }

    @Test
    void evolvedValuesInsideCollectionsDecodeToo() throws Exception {
        List<Object> values = List.of(newInstance(v1, "evo.Rec", "a", 1), newInstance(v1, "evo.Rec", "b", 2));
        Object decoded = context2.decode(context1.encode(values, newInstance(v1, "evo.Dto", "c", 3)), 2)[0];

        assertThat(decoded).isInstanceOf(List.class);
        List<?> list = (List<?>) decoded;
        assertThat(list).hasSize(2);
        assertThat(component(list.get(0), "name")).isEqualTo("a");
        assertThat(component(list.get(1), "name")).isEqualTo("b");
        assertThat(list.get(1).getClass()).isSameAs(v2.loadClass("evo.Rec"));
    }

    @Test
    void theSameVersionRoundTripsEveryField() throws Exception {
        Object dto = context1.decode(context1.encode(newInstance(v1, "evo.Dto", "Ada", 36)), 1)[0];
        assertThat(field(dto, "name")).isEqualTo("Ada");
        assertThat(field(dto, "age")).isEqualTo(36);
        Object rec = context2.decode(context2.encode(newInstance(v2, "evo.Rec", "Grace", "g@x")), 1)[0];
        assertThat(rec).isEqualTo(newInstance(v2, "evo.Rec", "Grace", "g@x"));
    }
}
