package io.platyspark.aws.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.aws.AwsClients;
import io.platyspark.aws.moto.MotoServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

/** Uploads against moto's S3 protocol, counting the requests that reach it. */
class S3ArtifactStoreMotoTest {

    @TempDir
    Path dir;

    private final MotoServer moto = MotoServer.get();
    private final List<String> operations = new CopyOnWriteArrayList<>();
    private final ExecutionInterceptor counter = new ExecutionInterceptor() {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            operations.add(context.request().getClass().getSimpleName());
        }
    };
    private final S3Client s3 = S3Client.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(moto.endpoint())
            .forcePathStyle(true)
            .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
            .build();
    private final String bucket = "artifacts-" + UUID.randomUUID().toString().substring(0, 8);

    private S3ArtifactStore store(long threshold) {
        s3.createBucket(r -> r.bucket(bucket));
        operations.clear();
        S3AsyncClient uploads = S3AsyncClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(moto.endpoint())
                .forcePathStyle(true)
                .overrideConfiguration(o ->
                        o.addExecutionInterceptor(counter).addExecutionInterceptor(AwsClients.WITHOUT_EXPECT_CONTINUE))
                .multipartEnabled(true)
                .multipartConfiguration(m -> m.thresholdInBytes(threshold).minimumPartSizeInBytes(8L << 20))
                .build();
        return new S3ArtifactStore(s3, uploads, bucket, "platy");
    }

    @Test
    void listsEveryPageUnderAPrefixWithKeysAsTheyWereStored() throws Exception {
        S3ArtifactStore store = store(16L << 20);
        Path file = Files.writeString(dir.resolve("environment.tar.gz"), "packed");
        for (int i = 0; i < 1005; i++) { // more than one page of 1,000
            String key = "platy/envs/" + i / 500 + "-" + i + "/environment.tar.gz";
            s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString("x"));
        }
        store.put("other/environment.tar.gz", file);
        s3.putObject(r -> r.bucket(bucket).key("envs/not-under-the-store-prefix"), RequestBody.fromString("x"));
        operations.clear();

        List<S3ArtifactStore.Listed> listed = store.list("envs/");

        assertThat(listed).hasSize(1005);
        assertThat(listed).allSatisfy(o -> {
            assertThat(o.key()).startsWith("envs/").endsWith("/environment.tar.gz");
            assertThat(o.lastModified()).isNotNull();
        });
        assertThat(listed.get(0).key()).isEqualTo("envs/0-0/environment.tar.gz");
        assertThat(operations).as("two pages").containsExactly("ListObjectsV2Request", "ListObjectsV2Request");
        assertThat(store.list("nothing/")).isEmpty();
    }

    @Test
    void uploadsOnceAndSkipsWhenPresent() throws Exception {
        S3ArtifactStore store = store(16L << 20);
        Path file = Files.writeString(dir.resolve("etl.py"), "print('etl')\n");

        S3ArtifactStore.Stored first = store.putContentAddressed("uploads/data", file, "etl.py");
        S3ArtifactStore.Stored second = store.putContentAddressed("uploads/data", file, "etl.py");

        assertThat(first.uri().toString()).startsWith("s3://" + bucket + "/platy/uploads/data/" + first.sha256());
        assertThat(first.alreadyPresent()).isFalse();
        assertThat(second.alreadyPresent()).isTrue();
        assertThat(second.uri()).isEqualTo(first.uri());
        assertThat(operations).containsExactly("HeadObjectRequest", "PutObjectRequest", "HeadObjectRequest");
        try (InputStream in = store.open(first.uri())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("print('etl')\n");
        }
        assertThat(store.find("uploads/data/" + first.sha256() + "/etl.py")).contains(first.uri());
        assertThat(store.find("uploads/data/none")).isEmpty();
    }

    @Test
    void largeFilesAreStreamedInParts() throws Exception {
        S3ArtifactStore store = store(5L << 20);
        Path big = dir.resolve("env.tar.gz");
        byte[] chunk = new byte[1 << 20];
        new Random(7).nextBytes(chunk);
        try (var out = Files.newOutputStream(big)) {
            for (int i = 0; i < 18; i++) {
                out.write(chunk);
            }
        }

        S3ArtifactStore.Stored stored = store.put("envs/abc/environment.tar.gz", big);

        assertThat(operations).contains("CreateMultipartUploadRequest", "CompleteMultipartUploadRequest");
        assertThat(operations.stream()
                        .filter(o -> o.equals("UploadPartRequest"))
                        .count())
                .isEqualTo(3);
        assertThat(s3.headObject(r -> r.bucket(bucket).key(stored.key())).contentLength())
                .isEqualTo(18L << 20);
    }

    @Test
    void aDirectoryZipsToTheSameKeyEveryTime() throws Exception {
        S3ArtifactStore store = store(16L << 20);
        Path project = Files.createDirectories(dir.resolve("project/pkg"));
        Files.writeString(project.resolve("__init__.py"), "");
        Files.writeString(project.resolve("job.py"), "def run(): pass\n");
        Files.createDirectories(project.resolve("__pycache__"));
        Files.writeString(project.resolve("__pycache__/job.cpython-311.pyc"), "junk");

        S3ArtifactStore.Stored first = store.putDirectory("uploads/data", dir.resolve("project"), "project.zip");
        Files.setLastModifiedTime(project.resolve("job.py"), java.nio.file.attribute.FileTime.fromMillis(1));
        S3ArtifactStore.Stored second = store.putDirectory("uploads/data", dir.resolve("project"), "project.zip");

        assertThat(second.key()).isEqualTo(first.key());
        assertThat(second.alreadyPresent()).isTrue();
        try (var zip = new java.util.zip.ZipInputStream(store.open(first.uri()))) {
            List<String> names = new java.util.ArrayList<>();
            for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                names.add(e.getName());
            }
            assertThat(names).containsExactly("pkg/__init__.py", "pkg/job.py");
        }
    }
}
