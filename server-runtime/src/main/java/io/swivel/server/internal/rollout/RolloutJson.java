package io.swivel.server.internal.rollout;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The JSON form of a {@link RolloutRecord}, as a znode holds it: fields a later release adds are
 * ignored when read, and no record over {@link RolloutStore#MAX_RECORD_BYTES} is written.
 */
final class RolloutJson {

    private final ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    byte[] bytes(RolloutRecord record) throws IOException {
        byte[] data = mapper.writeValueAsBytes(record);
        if (data.length > RolloutStore.MAX_RECORD_BYTES) {
            throw new IOException("the record of rollout " + record.id() + " would take " + data.length
                    + " bytes, over the limit of " + RolloutStore.MAX_RECORD_BYTES + "; roll out to fewer servers (--max-servers)");
        }
        return data;
    }

    /**
     * @param where the znode, for messages
     * @param id the rollout the znode is named after
     * @param data its bytes
     * @return the record
     * @throws IOException when the bytes are no rollout record, or another rollout's
     */
    RolloutRecord parse(String where, String id, byte[] data) throws IOException {
        RolloutRecord record;
        try {
            record = mapper.readValue(data, RolloutRecord.class);
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new IOException(where + " does not hold a rollout record: " + e.getMessage(), e);
        }
        if (!record.id().equals(id)) {
            throw new IOException(where + " names rollout " + record.id());
        }
        return record;
    }
}
