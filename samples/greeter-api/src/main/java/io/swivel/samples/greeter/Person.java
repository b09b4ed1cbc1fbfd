package io.swivel.samples.greeter;

/**
 * Someone to welcome.
 *
 * @param name the person's name
 * @param language the preferred language as an ISO 639-1 code, for example {@code "en"}
 */
public record Person(String name, String language) {
}
