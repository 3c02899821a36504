#!/bin/sh
# Entrypoint of the project-registry container image.
#
# Spring decides where the settings come from: SPRING_DATASOURCE_URL, --spring.datasource.url=... after the image
# name, SPRING_APPLICATION_JSON, or a mounted Secret read with spring.config.import=configtree:/path/. Without any
# datasource URL the application stops with its own message (the image has no embedded PostgreSQL), so this script
# checks nothing itself.
set -eu

# exec: the JVM becomes PID 1 and receives SIGTERM directly, so Spring's graceful shutdown runs.
# JVM flags come from JAVA_TOOL_OPTIONS (set in the Dockerfile, overridable at run time); the class data archive is
# the Dockerfile's training run (-Xshare:auto: a mismatching archive is ignored, never fatal).
exec java -XX:SharedArchiveFile=/app/app.jsa -Xshare:auto -jar /app/app.jar "$@"
