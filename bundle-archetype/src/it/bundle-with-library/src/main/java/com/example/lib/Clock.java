package com.example.lib;

/** A service whose bundle carries a library. */
public interface Clock {

    /** @return the logger factory's class, loaded from the bundle's lib/ */
    String loggerContext();
}
