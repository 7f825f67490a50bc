import { join } from 'node:path';

export function javaCommand(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

export const jvmHeap = {
  kafka: ['-Xms256m', '-Xmx512m'],
  'kafka-storage': ['-Xmx128m'],
  connect: ['-Xms256m', '-Xmx768m'],
} as const;

/** The serial collector and the C1-only JIT: the JVM starts markedly faster, plenty for a test stack. */
export const jvmPerformanceOptions = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData'] as const;

/**
 * JVM flags for the broker and the Connect worker on a small machine: bounded heaps, and the C1-only JIT, which
 * starts markedly faster and is plenty for a test stack. CDC_JVM_OPTS adds to (and so can override) these.
 */
export function jvmOptions(component: 'kafka' | 'kafka-storage' | 'connect'): string[] {
  const extra = process.env.CDC_JVM_OPTS?.split(/\s+/).filter(Boolean) ?? [];
  return [
    ...jvmHeap[component],
    ...jvmPerformanceOptions,
    '-Djava.awt.headless=true',
    '-Dorg.slf4j.simpleLogger.showDateTime=true',
    '-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS',
    ...extra,
  ];
}

/** A Java .properties file from a record; values here never need escaping beyond backslashes. */
export function properties(values: Record<string, string>): string {
  return `${Object.entries(values)
    .map(([key, value]) => `${key}=${value.replaceAll('\\', '\\\\')}`)
    .join('\n')}\n`;
}
