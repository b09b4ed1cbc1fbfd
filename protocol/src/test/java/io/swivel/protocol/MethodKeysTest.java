package io.swivel.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MethodKeysTest {

    interface Greeter {
        String greet(String name);

        String greet(String name, int times);

        String greet();

        String greet(String[] names);

        void primitives(boolean a, byte b, char c, short d, int e, long f, float g, double h);

        void arrays(int[] a, long[][] b, List<String>[] c, Nested[] d);

        void generics(Map<String, List<Integer>> map);

        void nested(Nested nested);
    }

    static final class Nested {
    }

    private static Method method(String name, Class<?>... parameterTypes) throws NoSuchMethodException {
        return Greeter.class.getMethod(name, parameterTypes);
    }

    @Test
    void keyIsNameAndParameterBinaryNames() throws Exception {
        assertThat(MethodKeys.of(method("greet", String.class))).isEqualTo("greet(java.lang.String)");
        assertThat(MethodKeys.of(method("greet"))).isEqualTo("greet()");
        assertThat(MethodKeys.of(method("greet", String.class, int.class))).isEqualTo("greet(java.lang.String,int)");
    }

    @Test
    void overloadsGetDifferentKeys() {
        List<String> keys = Arrays.stream(Greeter.class.getMethods()).filter(m -> m.getName().equals("greet"))
                .map(MethodKeys::of).toList();
        assertThat(keys).hasSize(4).doesNotHaveDuplicates();
    }

    @Test
    void primitivesArraysGenericsAndNestedClassesUseBinaryNames() throws Exception {
        assertThat(MethodKeys.of(method("greet", String[].class))).isEqualTo("greet([Ljava.lang.String;)");
        assertThat(MethodKeys.of(method("primitives", boolean.class, byte.class, char.class, short.class, int.class,
                long.class, float.class, double.class)))
                .isEqualTo("primitives(boolean,byte,char,short,int,long,float,double)");
        assertThat(MethodKeys.of(method("arrays", int[].class, long[][].class, List[].class, Nested[].class)))
                .isEqualTo("arrays([I,[[J,[Ljava.util.List;,[Lio.swivel.protocol.MethodKeysTest$Nested;)");
        assertThat(MethodKeys.of(method("generics", Map.class))).isEqualTo("generics(java.util.Map)");
        assertThat(MethodKeys.of(method("nested", Nested.class)))
                .isEqualTo("nested(io.swivel.protocol.MethodKeysTest$Nested)");
    }

    @Test
    void theSameMethodSeenFromAnotherReflectionCallGetsTheSameKey() throws Exception {
        Method viaGetMethod = method("greet", String.class, int.class);
        Method viaDeclared = Arrays.stream(Greeter.class.getDeclaredMethods())
                .filter(m -> m.getName().equals("greet") && m.getParameterCount() == 2).findFirst().orElseThrow();
        assertThat(MethodKeys.of(viaDeclared)).isEqualTo(MethodKeys.of(viaGetMethod));
    }

    @Test
    void nameIsThePartBeforeTheParenthesis() throws Exception {
        assertThat(MethodKeys.name("greet(java.lang.String)")).isEqualTo("greet");
        assertThat(MethodKeys.name("greet()")).isEqualTo("greet");
        assertThat(MethodKeys.name(MethodKeys.of(method("primitives", boolean.class, byte.class, char.class,
                short.class, int.class, long.class, float.class, double.class)))).isEqualTo("primitives");
        assertThat(MethodKeys.name("bare")).isEqualTo("bare");
        assertThat(MethodKeys.name("")).isEmpty();
    }
}
