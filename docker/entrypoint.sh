#!/bin/sh
# Entrypoint of the project-registry container image.
#
# Without spring.datasource.url the application starts an embedded PostgreSQL, which is meant for a developer's
# machine only: inside a container its data would vanish with the container, and the image does not even ship the
# server binaries. So the image refuses to start without an external database instead of failing later, or worse,
# running on a throw-away one.
set -eu

if [ -z "${SPRING_DATASOURCE_URL:-}" ]; then
	cat >&2 <<'MSG'
project-registry: SPRING_DATASOURCE_URL is not set.
This image needs an external PostgreSQL (13 or newer) for the registry's own tables. Set:
  SPRING_DATASOURCE_URL=jdbc:postgresql://<host>:5432/<database>
  SPRING_DATASOURCE_USERNAME=<user with CREATEDB>
  SPRING_DATASOURCE_PASSWORD=<password>
See docs/deployment.md.
MSG
	exit 64
fi

case "$SPRING_DATASOURCE_URL" in
jdbc:postgresql:*) ;;
*)
	echo "project-registry: SPRING_DATASOURCE_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://...)." >&2
	exit 64
	;;
esac

# exec: the JVM becomes PID 1 and receives SIGTERM directly, so Spring's graceful shutdown runs.
# JVM flags come from JAVA_TOOL_OPTIONS (set in the Dockerfile, overridable at run time).
exec java org.springframework.boot.loader.launch.JarLauncher "$@"
