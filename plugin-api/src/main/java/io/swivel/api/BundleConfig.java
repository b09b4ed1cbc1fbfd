package io.swivel.api;

import java.util.Map;

/**
 * The key/value configuration of a bundle version.
 *
 * <p>Values come from {@code swivel-bundle.properties} at the root of the bundle jar,
 * overridden by {@code <bundle>.properties} beside the jar in the deploy directory.
 */
public interface BundleConfig {

    /**
     * The value of a key.
     *
     * @param key the key
     * @return the value, or {@code null} when the key is not set
     */
    String get(String key);

    /**
     * The value of a key, or a default.
     *
     * @param key the key
     * @param defaultValue returned when the key is not set
     * @return the value or {@code defaultValue}
     */
    default String get(String key, String defaultValue) {
        String value = get(key);
        return value != null ? value : defaultValue;
    }

    /**
     * All keys and values.
     *
     * @return an unmodifiable map
     */
    Map<String, String> asMap();
}
