#!/usr/bin/env bash
# The project-schema benchmark under its old name: the schema scenario of bench/run.sh (bench/scenarios/schema.sh
# says what it measures). CREATES, WARMUPS still work as SCHEMA_CREATES, SCHEMA_WARMUPS.
set -euo pipefail
export SCHEMA_CREATES=${SCHEMA_CREATES:-${CREATES:-30}} SCHEMA_WARMUPS=${SCHEMA_WARMUPS:-${WARMUPS:-3}}
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" schema
