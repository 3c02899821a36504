#!/usr/bin/env bash
# Class Data Sharing for `java -jar` (issue 20): Spring Boot's documented training run, one command.
#
#   bench/cds.sh target/project-registry-0.1.0-SNAPSHOT.jar [DIR]
#
# 1. Extracts the jar into DIR (default target/cds): DIR/project-registry.jar plus DIR/lib/, the layout CDS needs
#    (classes are archived only from plain jars on the class path, not from jars nested in the fat jar).
# 2. Runs the application once until its context is refreshed (-Dspring.context.exit=onRefresh), on a throwaway
#    embedded PostgreSQL and free ports, and dumps every class it loaded into DIR/app.jsa.
# 3. Prints the command that starts with the archive. Run it with the same JDK: an archive made by another JVM
#    is ignored (with a warning), never wrong.
#
# With a JDK 25 or later as JAVA (for example JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java) it makes an AOT cache
# instead (JEP 483/514: classes loaded and linked, plus method profiles), DIR/app.aot, used with -XX:AOTCache.
# The Dockerfile does the same training run at image build time; see docs/operations.md#start-up.
set -euo pipefail

JAR=${1:?usage: bench/cds.sh JAR [DIR]}
DIR=${2:-target/cds}
JAVA=${JAVA:-java}
[[ -f $JAR ]] || { echo "no such jar: $JAR" >&2; exit 1; }

feature=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
rm -rf "$DIR"
"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$DIR" >/dev/null
APP=$DIR/$(basename "$JAR")
if [[ ! -f $APP ]]; then
	APP=$(find "$DIR" -maxdepth 1 -name '*.jar' | head -n 1)
fi

if ((feature >= 25)); then
	ARCHIVE=$DIR/app.aot
	TRAIN=(-XX:AOTCacheOutput="$ARCHIVE")
	USE=-XX:AOTCache="$ARCHIVE"
else
	ARCHIVE=$DIR/app.jsa
	TRAIN=(-XX:ArchiveClassesAtExit="$ARCHIVE")
	USE=-XX:SharedArchiveFile="$ARCHIVE"
fi

# The training run's embedded PostgreSQL: the JVM halts right after the refresh, without closing the context, so
# the server it started is stopped here, by the process id it wrote into its data directory.
DATA=$(mktemp -d "${TMPDIR:-/tmp}/registry-cds.XXXXXX")
stop_training_postgres() {
	if [[ -f $DATA/postmaster.pid ]]; then
		local pid
		pid=$(head -n 1 "$DATA/postmaster.pid")
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
	rm -rf "$DATA"
}
trap stop_training_postgres EXIT

"$JAVA" "${TRAIN[@]}" -Dspring.context.exit=onRefresh -jar "$APP" \
	--server.port=0 --registry.embedded.port=0 --registry.embedded.data-directory="$DATA" >"$DIR/training.log" 2>&1 || {
	tail -n 30 "$DIR/training.log" >&2
	echo "training run failed; log: $DIR/training.log" >&2
	exit 1
}
[[ -s $ARCHIVE ]] || { echo "no archive written; log: $DIR/training.log" >&2; exit 1; }
echo "archive: $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1)); start with:" >&2
echo "$JAVA $USE -jar $APP"
