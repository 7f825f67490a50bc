#!/bin/sh
# Starts one distributed Kafka Connect worker, configured from the environment with the variables the Debezium
# Connect image (quay.io/debezium/connect) reads, so that the harness and k8s/ can use either image:
#   BOOTSTRAP_SERVERS, GROUP_ID, CONFIG_STORAGE_TOPIC, OFFSET_STORAGE_TOPIC, STATUS_STORAGE_TOPIC (required),
#   KEY_CONVERTER, VALUE_CONVERTER, REST_PORT, ADVERTISED_HOST_NAME, ADVERTISED_PORT, HEAP_OPTS (optional),
#   and CONNECT_FOO_BAR=value for any other worker property foo.bar (CONNECT_FOO__BAR for foo_bar).
set -eu

require() {
  eval "value=\${$1:-}"
  if [ -z "$value" ]; then
    echo "connect-entrypoint: $1 is required ($2)" >&2
    exit 64
  fi
}
require BOOTSTRAP_SERVERS 'the Kafka brokers, host:port[,host:port]'
require GROUP_ID 'the Connect cluster this worker joins'
require CONFIG_STORAGE_TOPIC 'the topic of connector configurations'
require OFFSET_STORAGE_TOPIC 'the topic of source offsets'
require STATUS_STORAGE_TOPIC 'the topic of connector and task states'

# /tmp stays writable when the root filesystem is read-only (k8s mounts an emptyDir there).
worker=${TMPDIR:-/tmp}/connect-worker.properties
rest_port=${REST_PORT:-8083}
{
  echo "bootstrap.servers=$BOOTSTRAP_SERVERS"
  echo "group.id=$GROUP_ID"
  echo "config.storage.topic=$CONFIG_STORAGE_TOPIC"
  echo "offset.storage.topic=$OFFSET_STORAGE_TOPIC"
  echo "status.storage.topic=$STATUS_STORAGE_TOPIC"
  echo "key.converter=${KEY_CONVERTER:-org.apache.kafka.connect.json.JsonConverter}"
  echo "value.converter=${VALUE_CONVERTER:-org.apache.kafka.connect.json.JsonConverter}"
  echo "listeners=http://0.0.0.0:$rest_port"
  echo "rest.advertised.host.name=${ADVERTISED_HOST_NAME:-$(hostname)}"
  echo "rest.advertised.port=${ADVERTISED_PORT:-$rest_port}"
  # Later lines win: CONNECT_* variables override the defaults above.
  env | sed -n 's/^CONNECT_\([A-Z0-9_]*\)=\(.*\)$/\1=\2/p' | while IFS='=' read -r name value; do
    key=$(printf '%s' "$name" | tr '[:upper:]' '[:lower:]' | sed -e 's/__/#/g' -e 's/_/./g' -e 's/#/_/g')
    printf '%s=%s\n' "$key" "$value"
  done
} >"$worker"

export KAFKA_HEAP_OPTS="${HEAP_OPTS:-${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}}"
echo "connect-entrypoint: starting Kafka Connect, worker configuration in $worker"

# The official Kafka image ships Kafka's scripts (logging configuration, JVM flags): use them when present.
if [ -x /opt/kafka/bin/connect-distributed.sh ]; then
  exec /opt/kafka/bin/connect-distributed.sh "$worker"
fi
# shellcheck disable=SC2086 # the options are a list of flags
exec java $KAFKA_HEAP_OPTS ${KAFKA_JVM_PERFORMANCE_OPTS:-} ${KAFKA_OPTS:-} -cp '/opt/kafka/libs/*' org.apache.kafka.connect.cli.ConnectDistributed "$worker"
