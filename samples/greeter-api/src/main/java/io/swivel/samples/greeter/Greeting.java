package io.swivel.samples.greeter;

import java.time.Instant;
import java.util.Objects;

/**
 * A structured greeting, returned by {@link Greeter#welcome(Person)}. A mutable bean, to
 * show that plain DTOs travel as well as records.
 */
public class Greeting {

    private String text;
    private String version;
    private Instant at;

    /**
     * Creates an empty greeting.
     */
    public Greeting() {
    }

    /**
     * Creates a greeting.
     *
     * @param text the greeting text
     * @param version the version of the bundle that produced it
     * @param at when it was produced
     */
    public Greeting(String text, String version, Instant at) {
        this.text = text;
        this.version = version;
        this.at = at;
    }

    /**
     * The greeting text.
     *
     * @return the text
     */
    public String getText() {
        return text;
    }

    /**
     * Sets the greeting text.
     *
     * @param text the text
     */
    public void setText(String text) {
        this.text = text;
    }

    /**
     * The version of the bundle that produced the greeting.
     *
     * @return the bundle version
     */
    public String getVersion() {
        return version;
    }

    /**
     * Sets the version of the bundle that produced the greeting.
     *
     * @param version the bundle version
     */
    public void setVersion(String version) {
        this.version = version;
    }

    /**
     * When the greeting was produced.
     *
     * @return the instant
     */
    public Instant getAt() {
        return at;
    }

    /**
     * Sets when the greeting was produced.
     *
     * @param at the instant
     */
    public void setAt(Instant at) {
        this.at = at;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Greeting other)) {
            return false;
        }
        return Objects.equals(text, other.text)
                && Objects.equals(version, other.version)
                && Objects.equals(at, other.at);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text, version, at);
    }

    @Override
    public String toString() {
        return "Greeting{text='" + text + "', version='" + version + "', at=" + at + '}';
    }
}
