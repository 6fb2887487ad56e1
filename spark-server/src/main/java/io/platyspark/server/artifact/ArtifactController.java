package io.platyspark.server.artifact;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.artifact.ArtifactStore;
import io.platyspark.core.artifact.StoredArtifact;
import io.platyspark.core.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Uploads of app sources (a .py, a jar, a zipped project) to the artifact store, so a client on another machine
 * can run a local file: the response's URI goes into the app's {@code source} or {@code pyFiles}.
 */
@RestController
@RequestMapping("/api/v1/artifacts")
@Tag(name = "artifacts", description = "App sources uploaded for the clusters to read")
class ArtifactController {

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

    private final ArtifactStore store;

    ArtifactController(ArtifactStore store) {
        this.store = store;
    }

    /** What was stored. */
    record ArtifactResponse(String uri, String key, long size, String sha256, boolean alreadyPresent) {}

    @PostMapping(consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @Operation(
            summary = "Upload an app source",
            description = "Stores the raw body under a key derived from its "
                    + "content (uploads/<team>/<sha256>/<name>), so the same bytes are stored once; answers 201 with the "
                    + "URI to use as an app's source or py-file.")
    ResponseEntity<ArtifactResponse> upload(
            Caller caller,
            @Parameter(description = "The file name the cluster sees, e.g. etl.py or deps.zip") @RequestParam
                    String name,
            HttpServletRequest request)
            throws IOException {
        if (!FILE_NAME.matcher(name).matches() || name.contains("..")) {
            throw new InvalidFieldException(
                    "name", "must be a plain file name (letters, digits, '.', '_', '-'), " + "e.g. etl.py");
        }
        String team = caller.team() != null ? caller.team() : "admin";
        Path temp = Files.createTempFile("platy-upload-", ".part");
        try {
            long size;
            try (InputStream body = request.getInputStream()) {
                size = Files.copy(body, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            if (size == 0) {
                throw new InvalidFieldException("body", "is empty: send the file's bytes as application/octet-stream");
            }
            StoredArtifact stored = store.putContentAddressed("uploads/" + team, temp, name);
            return ResponseEntity.status(HttpStatus.CREATED)
                    .body(new ArtifactResponse(
                            stored.uri().toString(),
                            stored.key(),
                            stored.size(),
                            stored.sha256(),
                            stored.alreadyPresent()));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
