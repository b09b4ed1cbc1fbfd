package io.swivel.server.internal.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes {@code <data-dir>/state.json}. Writes go to a temporary file (created new,
 * see {@link AtomicFiles}) that is then renamed over the old one, so a crash leaves the old state or the new one, never half of one.
 * A file that does not parse is moved aside (never deleted) and the server starts from the
 * deploy directory alone.
 */
final class StateFile {

    private static final Logger log = LoggerFactory.getLogger(StateFile.class);

    private final Path file;
    private final ObjectMapper mapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    StateFile(Path dataDir) {
        this.file = dataDir.resolve("state.json");
    }

    Path path() {
        return file;
    }

    SavedState load() {
        if (!Files.isRegularFile(file)) {
            return SavedState.empty();
        }
        try {
            SavedState state = mapper.readValue(file.toFile(), SavedState.class);
            if (state.format() != SavedState.FORMAT || state.bundles() == null) {
                throw new IOException("unknown format " + state.format() + " (expected " + SavedState.FORMAT + ")");
            }
            return state;
        } catch (IOException e) {
            Path aside = file.resolveSibling("state.json.unreadable-" + Instant.now().toEpochMilli());
            log.warn("cannot read {} ({}); moved it to {} and starting from the deploy directory alone",
                    file, e.getMessage(), aside.getFileName(), e);
            try {
                Files.move(file, aside);
            } catch (IOException moveFailure) {
                log.warn("cannot move {} aside", file, moveFailure);
            }
            return SavedState.empty();
        }
    }

    void save(SavedState state) throws IOException {
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, mapper.writeValueAsBytes(state));
    }
}
