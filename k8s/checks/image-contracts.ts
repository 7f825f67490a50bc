/**
 * How the images k8s/ runs turn environment variables into configuration, so that the tests can compare the rendered
 * environment with the settings every environment shares.
 */

/**
 * The worker properties connect-image/docker-entrypoint.sh writes (the Debezium Connect image's contract): the named
 * variables, then CONNECT_FOO_BAR as foo.bar (`__` for `_`), which win.
 */
export function connectWorkerProperties(env: Readonly<Record<string, string>>): Record<string, string> {
  const named: Record<string, string | undefined> = {
    'bootstrap.servers': env.BOOTSTRAP_SERVERS,
    'group.id': env.GROUP_ID,
    'config.storage.topic': env.CONFIG_STORAGE_TOPIC,
    'offset.storage.topic': env.OFFSET_STORAGE_TOPIC,
    'status.storage.topic': env.STATUS_STORAGE_TOPIC,
    'key.converter': env.KEY_CONVERTER ?? 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': env.VALUE_CONVERTER ?? 'org.apache.kafka.connect.json.JsonConverter',
    listeners: `http://0.0.0.0:${env.REST_PORT ?? '8083'}`,
  };
  const properties = Object.fromEntries(
    Object.entries(named).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  for (const [variable, value] of Object.entries(env)) {
    const match = /^CONNECT_([A-Z0-9_]+)$/.exec(variable);
    if (match?.[1]) properties[propertyName(match[1])] = value;
  }
  return properties;
}

/** The variables connect-image/docker-entrypoint.sh reads besides CONNECT_*, and those of Kafka's scripts. */
export const connectImageVariables = [
  'BOOTSTRAP_SERVERS',
  'GROUP_ID',
  'CONFIG_STORAGE_TOPIC',
  'OFFSET_STORAGE_TOPIC',
  'STATUS_STORAGE_TOPIC',
  'KEY_CONVERTER',
  'VALUE_CONVERTER',
  'REST_PORT',
  'ADVERTISED_HOST_NAME',
  'ADVERTISED_PORT',
  'HEAP_OPTS',
  'KAFKA_OPTS',
  'LOG_DIR',
];

/**
 * The broker properties the official apache/kafka image renders: KAFKA_FOO_BAR is foo.bar (`__` for `_`, `___` for
 * `-`), except the variables its scripts pass to the JVM.
 */
export function kafkaBrokerProperties(env: Readonly<Record<string, string>>): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [variable, value] of Object.entries(env)) {
    const match = /^KAFKA_([A-Z0-9_]+)$/.exec(variable);
    if (!match?.[1] || kafkaScriptVariables.has(variable)) continue;
    properties[propertyName(match[1].replaceAll('___', '-'))] = value;
  }
  return properties;
}

/** The apache/kafka image's KafkaDockerWrapper leaves these to the scripts. */
const kafkaScriptVariables = new Set([
  'KAFKA_VERSION',
  'KAFKA_HEAP_OPTS',
  'KAFKA_LOG4J_OPTS',
  'KAFKA_OPTS',
  'KAFKA_JMX_OPTS',
  'KAFKA_JVM_PERFORMANCE_OPTS',
  'KAFKA_GC_LOG_OPTS',
  'KAFKA_LOG4J_ROOT_LOGLEVEL',
  'KAFKA_LOG4J_LOGGERS',
  'KAFKA_TOOLS_LOG4J_LOGLEVEL',
  'KAFKA_JMX_HOSTNAME',
]);

function propertyName(variable: string): string {
  return variable.toLowerCase().replaceAll('__', '\0').replaceAll('_', '.').replaceAll('\0', '_');
}
