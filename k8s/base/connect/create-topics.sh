#!/usr/bin/env bash
# Creates the topics the connector and push-email use, with the partitions of support/components/debezium-connector.ts's
# createTopics() and the schema history topic as Debezium would make it, rather than leaving them to auto-creation
# (one partition, the broker's defaults). Idempotent: an existing topic is kept as it is. topics.txt (generated) has
# one `<topic> <partitions> [<config>=<value>...]` per line. Every topic gets REPLICATION_FACTOR copies and
# MIN_INSYNC_REPLICAS, which the overlay sets for its number of brokers (support/components/kafka-node.ts).
set -euo pipefail
topics=${KAFKA_TOPICS_COMMAND:-/opt/kafka/bin/kafka-topics.sh}
: "${REPLICATION_FACTOR:?the number of copies of each topic}" "${MIN_INSYNC_REPLICAS:?the copies an acks=all write needs}"

until "$topics" --bootstrap-server "$BOOTSTRAP_SERVERS" --list >/dev/null; do
  echo "create-topics: waiting for Kafka at $BOOTSTRAP_SERVERS"
  sleep "${RETRY_INTERVAL_SECONDS:-5}"
done

# Kafka answers as soon as one broker is up, but refuses a topic with more copies than the brokers it has yet.
create() {
  local attempt
  for ((attempt = 1; ; attempt++)); do
    "$topics" --bootstrap-server "$BOOTSTRAP_SERVERS" --create --if-not-exists "$@" && return
    if ((attempt >= ${CREATE_ATTEMPTS:-24})); then return 1; fi
    echo "create-topics: not created yet (attempt $attempt), trying again: are $REPLICATION_FACTOR brokers up?"
    sleep "${RETRY_INTERVAL_SECONDS:-5}"
  done
}

while read -r -u 3 topic partitions configs; do
  [[ -z "$topic" || "$topic" == "#"* ]] && continue
  options=(--replication-factor "$REPLICATION_FACTOR" --config "min.insync.replicas=$MIN_INSYNC_REPLICAS")
  for config in $configs; do options+=(--config "$config"); done
  create --topic "$topic" --partitions "$partitions" "${options[@]}"
  "$topics" --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --topic "$topic"
done 3<"$TOPICS_FILE"
