# The image of every service, chosen with --build-arg SERVICE:
#   spark-server  the REST API and the submission worker; drives remote backends (Livy on EMR, EMR itself, S3)
#   watchdog      core's reconcilers (cluster and app state, lost apps, dead shared clusters); any number may run,
#                 a database lock lets one work at a time
#   cleaner       retention clean-up of the store and termination of idle dedicated clusters; one works at a time
#   app-builder   builds relocatable Python environments (venv + pip, packed to a tar.gz) and uploads them to S3;
#                 the only image with Python, since it runs it for every build
# None holds Spark: the local backend stays off in containers.
#
# No '# syntax=' line: the engine's built-in Dockerfile frontend (BuildKit's, Docker 20.10+) has everything used
# here (RUN --mount, a stage named by an ARG), and a syntax line would pull docker/dockerfile from Docker Hub first,
# which fails where only a mirror or no registry is reachable.
#
# Build from the repository root (BuildKit, the default builder since Docker 23):
#   docker build --build-arg SERVICE=watchdog -t platyspark/watchdog .
# That compiles the module with the Maven wrapper inside the build, so it needs nothing but Docker. To package a
# jar you already built on the host instead (./mvnw -pl watchdog -am package -DskipTests):
#   docker build --build-arg SERVICE=watchdog --build-arg JAR_FROM=prebuilt -t platyspark/watchdog .
ARG SERVICE=spark-server
ARG JAR_FROM=source

FROM eclipse-temurin:17-jdk-noble AS source
ARG SERVICE
WORKDIR /src
COPY . .
# The cache mount keeps Maven's downloads between builds (and across the four images) without putting them in a layer.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -q -pl "${SERVICE}" -am package -DskipTests \
    && cp "${SERVICE}/target/${SERVICE}-exec.jar" /app.jar

FROM scratch AS prebuilt
ARG SERVICE
COPY ${SERVICE}/target/${SERVICE}-exec.jar /app.jar

# JAR_FROM names one of the two stages above; BuildKit builds only the one chosen.
FROM ${JAR_FROM} AS jar

FROM eclipse-temurin:17-jre-noble AS layers
WORKDIR /layers
COPY --from=jar /app.jar app.jar
# Boot's layers, least to most often changed, so a code change rebuilds only the last, small layer. Extracted as
# a plain jar with its lib/ (not the launcher layout), so the JVM's class-data sharing can archive the classes.
# The embedded PostgreSQL binaries (for the one-JVM mode, four platforms, ~80 MB) are dropped: containers use a
# real server (a Class-Path entry whose jar is absent is skipped).
RUN java -Djarmode=tools -jar app.jar extract --layers --destination extracted \
    && rm -f extracted/dependencies/lib/embedded-postgres-binaries-*.jar

FROM eclipse-temurin:17-jre-noble AS base
# A fixed unprivileged uid/gid, so volume ownership and Kubernetes' runAsNonRoot checks are predictable.
RUN groupadd --system --gid 10001 platy \
    && useradd --system --uid 10001 --gid platy --create-home --home-dir /home/platy --shell /usr/sbin/nologin platy

# What differs between the services: the port, and Python for the app-builder. These stages come before the
# application's layers, so a code change never re-runs apt-get.
FROM base AS spark-server
ENV PORT=8080
EXPOSE 8080

FROM base AS watchdog
ENV PORT=8081
EXPOSE 8081

FROM base AS cleaner
ENV PORT=8082
EXPOSE 8082

FROM base AS app-builder
# Python for the builds. Ubuntu's archive drops superseded versions, so pinning them would break rebuilds; the base
# image tag pins the release. No compilers: an environment is built from wheels, and a package that only has an
# sdist needing a compiler fails with pip's message (add build-essential and python3-dev here if you need that).
# venv-pack packs each built environment (`import venv_pack` in the builder's python3); no distribution packages it,
# so pip puts it in the system Python, the image's only user of it, at the version the tests use
# (requirements-spark.txt). Without it every build failed at packing.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv python3-pip \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m pip install --no-cache-dir --break-system-packages venv-pack==0.2.0
ENV PORT=8083
EXPOSE 8083

# hadolint ignore=DL3006
FROM ${SERVICE}
WORKDIR /app
# The application's files stay owned by root: the service cannot rewrite its own code.
COPY --from=layers /layers/extracted/dependencies/ ./
COPY --from=layers /layers/extracted/spring-boot-loader/ ./
COPY --from=layers /layers/extracted/snapshot-dependencies/ ./
COPY --from=layers /layers/extracted/application/ ./
# MaxRAMPercentage sizes the heap from the container's memory limit (the JVM reads cgroup limits); exiting on
# OutOfMemoryError lets the orchestrator restart a broken JVM instead of leaving it limping. Health probes serve
# the HEALTHCHECK below outside Kubernetes too.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \
    LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs \
    MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED=true \
    PLATY_LOCAL_ENABLED=false
# Class-data sharing: a training run starts the context and stops at once (no database is contacted: Flyway and
# the workers are off) and archives the ~9,000 classes start-up loads; every start then maps them instead of
# reading and verifying them again, which cut start-to-ready by about 40% on a loaded 2-core machine
# (docs/benchmarks.md). An archive the JVM cannot use (another JDK) is ignored with a warning, never fatal.
RUN java -XX:ArchiveClassesAtExit=app.jsa -Xlog:cds=off -Xlog:cds+dynamic=off -Dspring.context.exit=onRefresh \
        -jar app.jar --spring.datasource.url=jdbc:postgresql://127.0.0.1:1/training --spring.flyway.enabled=false \
        --platy.embedded-postgres.enabled=false --platy.submission.enabled=false --platy.reconcile.enabled=false \
        --platy.cleanup.enabled=false --platy.security.generate-admin-token=false --server.port=0 \
        --logging.level.root=WARN
USER 10001:10001
# A start-up on a loaded 2-core host took up to 72 s, and the start period ends as soon as the check passes, so a
# generous one costs nothing on a fast start and keeps a slow one from being killed as unhealthy.
HEALTHCHECK --interval=15s --timeout=5s --start-period=300s --retries=3 \
    CMD ["sh", "-c", "curl -fsS -o /dev/null http://127.0.0.1:${PORT}/actuator/health/readiness || exit 1"]
ENTRYPOINT ["java", "-XX:SharedArchiveFile=app.jsa", "-jar", "app.jar"]
