package com.example.lib;

import io.swivel.api.RpcService;

/** Answers with a class from the nested logback-classic jar. */
@RpcService(Clock.class)
public final class ClockService implements Clock {

    @Override
    public String loggerContext() {
        return ch.qos.logback.classic.LoggerContext.class.getName();
    }
}
