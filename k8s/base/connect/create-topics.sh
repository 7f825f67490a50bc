#!/usr/bin/env bash
# Creates the topics the connector and push-email use, with the partitions of support/components/debezium-connector.ts's
# createTopics(), rather than leaving them to auto-creation (one partition). Idempotent: an existing topic is kept as
# it is. topics.txt (generated) has one `<topic> <partitions>` per line.
set -euo pipefail
topics=${KAFKA_TOPICS_COMMAND:-/opt/kafka/bin/kafka-topics.sh}

until "$topics" --bootstrap-server "$BOOTSTRAP_SERVERS" --list >/dev/null; do
  echo "create-topics: waiting for Kafka at $BOOTSTRAP_SERVERS"
  sleep "${RETRY_INTERVAL_SECONDS:-5}"
done

while read -r topic partitions; do
  [[ -z "$topic" || "$topic" == "#"* ]] && continue
  "$topics" --bootstrap-server "$BOOTSTRAP_SERVERS" --create --if-not-exists \
    --topic "$topic" --partitions "$partitions" --replication-factor 1
  "$topics" --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --topic "$topic"
done <"$TOPICS_FILE"
