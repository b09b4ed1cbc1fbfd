package io.swivel.server.security;

import java.util.List;

/**
 * A record with components of several kinds.
 *
 * @param label a label
 * @param tags tags
 * @param payload bytes
 * @param parcel a parcel, or null
 */
public record Envelope(String label, List<String> tags, byte[] payload, Parcel parcel) {

    /** @return a summary computed from every component */
    public String summary() {
        return label + "/" + (tags == null ? -1 : tags.size()) + "/" + (payload == null ? -1 : payload.length) + "/"
                + (parcel == null ? "-" : parcel.label);
    }
}
