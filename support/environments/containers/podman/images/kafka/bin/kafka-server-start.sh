#!/usr/bin/env bash
# kafka-server-start.sh server.properties: kafka.Kafka with a 1 GB heap unless KAFKA_HEAP_OPTS says otherwise.
set -euo pipefail
if (($# < 1)); then
  echo "USAGE: $0 server.properties [--override property=value]*" >&2
  exit 1
fi
export KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}
export KAFKA_RUN_CLASS_LOGGING=server
exec "$(dirname "$0")/kafka-run-class.sh" kafka.Kafka "$@"
