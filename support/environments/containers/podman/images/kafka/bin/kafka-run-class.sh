#!/usr/bin/env bash
# A stand-in for Kafka's bin/kafka-run-class.sh (the image has the jars, not the distribution's scripts): runs a
# class with /opt/kafka/libs/* on the classpath and the same variables: KAFKA_HEAP_OPTS (default -Xmx256M),
# KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_JMX_OPTS, KAFKA_OPTS, CLASSPATH. Logging goes through slf4j-simple:
# KAFKA_RUN_CLASS_LOGGING=server logs to stdout at KAFKA_LOG4J_ROOT_LOGLEVEL (default INFO) with per-logger levels
# from KAFKA_LOG4J_LOGGERS; otherwise (tools) to stderr at KAFKA_TOOLS_LOG4J_LOGLEVEL (default WARN).
set -euo pipefail

if (($# < 1)); then
  echo "USAGE: $0 classname [opts]" >&2
  exit 1
fi

# log4j level -> slf4j-simple level.
level() {
  local value=${1,,}
  case "$value" in fatal) echo error ;; all) echo trace ;; *) echo "$value" ;; esac
}

logging=(-Dorg.slf4j.simpleLogger.showDateTime=true "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss,SSS")
if [[ ${KAFKA_RUN_CLASS_LOGGING:-tools} == server ]]; then
  logging+=(-Dorg.slf4j.simpleLogger.logFile=System.out
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=$(level "${KAFKA_LOG4J_ROOT_LOGLEVEL:-INFO}")")
  if [[ -n ${KAFKA_LOG4J_LOGGERS:-} ]]; then
    IFS=, read -r -a loggers <<<"$KAFKA_LOG4J_LOGGERS"
    for logger in "${loggers[@]}"; do
      logger=${logger// /}
      [[ $logger == *=* ]] && logging+=("-Dorg.slf4j.simpleLogger.log.${logger%%=*}=$(level "${logger#*=}")")
    done
  fi
else
  logging+=(-Dorg.slf4j.simpleLogger.logFile=System.err
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=$(level "${KAFKA_TOOLS_LOG4J_LOGLEVEL:-WARN}")")
fi

heap=${KAFKA_HEAP_OPTS:--Xmx256M}
performance=${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}
classpath='/opt/kafka/libs/*'
[[ -n ${CLASSPATH:-} ]] && classpath=$CLASSPATH:$classpath

# The option variables hold several words, as in Kafka's script.
# shellcheck disable=SC2086
exec java $heap $performance ${KAFKA_JMX_OPTS:-} "${logging[@]}" -cp "$classpath" ${KAFKA_OPTS:-} "$@"
