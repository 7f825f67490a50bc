#!/usr/bin/env bash
# connect-distributed.sh worker.properties: a distributed Kafka Connect worker, logging like the broker (stdout).
set -euo pipefail
if (($# < 1)); then
  echo "USAGE: $0 connect-distributed.properties" >&2
  exit 1
fi
export KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256M -Xmx2G}
export KAFKA_RUN_CLASS_LOGGING=server
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.connect.cli.ConnectDistributed "$@"
