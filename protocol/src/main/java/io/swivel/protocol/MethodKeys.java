package io.swivel.protocol;

import java.lang.reflect.Method;
import java.util.StringJoiner;

/**
 * Names a method on the wire: its name and its parameter types' binary names, as in
 * {@code greet(java.lang.String)}. Client and server compute the same key from the same
 * interface method, and overloads get different keys.
 */
public final class MethodKeys {

    private MethodKeys() {
    }

    /**
     * The key of a method.
     *
     * @param method the method
     * @return its key
     */
    public static String of(Method method) {
        StringJoiner params = new StringJoiner(",", method.getName() + "(", ")");
        for (Class<?> type : method.getParameterTypes()) {
            params.add(type.getName());
        }
        return params.toString();
    }

    /**
     * The method name part of a key.
     *
     * @param methodKey a key
     * @return the name before the parenthesis
     */
    public static String name(String methodKey) {
        int paren = methodKey.indexOf('(');
        return paren < 0 ? methodKey : methodKey.substring(0, paren);
    }
}
