package io.swivel.server.logging;

import io.swivel.server.internal.logging.BundleMdc;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.Map;

/**
 * Logback's {@code %bundle}: {@code " [greeter 1.2.0]"} on a line logged about a bundle (see
 * {@link BundleMdc}), {@code " [greeter]"} before its version is known, nothing otherwise.
 */
public final class BundleConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String bundle = mdc.get(BundleMdc.BUNDLE);
        if (bundle == null) {
            return "";
        }
        String version = mdc.get(BundleMdc.VERSION);
        return version == null ? " [" + bundle + "]" : " [" + bundle + " " + version + "]";
    }
}
