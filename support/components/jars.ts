import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fillOnce } from '../lib/cache-folder';
import { binlogPatch, patchBinlogModule } from './debezium-binlog-patch';
import { type DebeziumConnectorKind, debeziumConnectors, versions } from './versions';

export interface StackJars {
  /** Folder of the broker's and the Connect worker's jars: the JVM classpath is `<folder>/*`. */
  readonly kafkaLibs: string;
  /** Connect's plugin.path: holds only the Debezium connector's folder, so the worker scans nothing else. */
  readonly pluginPath: string;
}

const pomFolder = join(__dirname, 'maven');

export function defaultJarCache(): string {
  return process.env.CDC_JAR_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cdc-harness');
}

/**
 * Resolves the Kafka broker, the Connect runtime and the Debezium connector from Maven into a cache folder keyed by
 * the versions and the POMs, so a second run (or another clone) reuses it without starting Maven.
 */
export async function resolveJars(
  cacheRoot: string,
  kind: DebeziumConnectorKind,
  log: (line: string) => void,
): Promise<StackJars> {
  const connector = debeziumConnectors[kind];
  const folder = join(cacheRoot, `jars-${cacheKey(kind)}`);
  const jars: StackJars = { kafkaLibs: join(folder, 'kafka-libs'), pluginPath: join(folder, 'plugins') };
  await fillOnce(folder, async (staging) => {
    log(
      `Resolving Kafka ${versions.kafka} and Debezium ${connector.artifactId} ${connector.version} with Maven into ${folder} (first run only)…`,
    );
    await copyDependencies('kafka.pom.xml', join(staging, 'kafka-libs'), log, [
      `-Dkafka.version=${versions.kafka}`,
      `-Dslf4j.version=${versions.slf4j}`,
    ]);
    const pluginFolder = join(staging, 'plugins', connector.artifactId);
    const debeziumPom = [`-Ddebezium.version=${connector.version}`, `-Ddebezium.connector=${connector.artifactId}`];
    await copyDependencies('debezium.pom.xml', pluginFolder, log, [
      ...debeziumPom,
      // The worker provides Kafka's API and SLF4J: copies inside the plugin would shadow them.
      '-DexcludeGroupIds=org.apache.kafka,org.slf4j',
    ]);
    await patchBinlogModule({
      pluginFolder,
      kafkaLibs: join(staging, 'kafka-libs'),
      version: connector.version,
      work: join(staging, 'binlog-patch'),
      fetchSources: (artifact, folder) => copyArtifact(artifact, folder, log, debeziumPom),
      log,
    });
    rmSync(join(staging, 'binlog-patch'), { recursive: true, force: true });
    log('Jars resolved.');
  });
  return jars;
}

function cacheKey(kind: DebeziumConnectorKind): string {
  const connector = debeziumConnectors[kind];
  const hash = createHash('sha256');
  hash.update(JSON.stringify([versions, connector, binlogPatch]));
  for (const pom of ['kafka.pom.xml', 'debezium.pom.xml']) hash.update(readFileSync(join(pomFolder, pom)));
  return `kafka-${versions.kafka}-${kind}-${connector.version}-${hash.digest('hex').slice(0, 10)}`;
}

function copyDependencies(
  pom: string,
  outputDirectory: string,
  log: (line: string) => void,
  properties: readonly string[],
): Promise<void> {
  return maven(pom, log, [
    ...properties,
    `org.apache.maven.plugins:maven-dependency-plugin:${versions.mavenDependencyPlugin}:copy-dependencies`,
    `-DoutputDirectory=${outputDirectory}`,
    '-DincludeScope=runtime',
  ]);
}

/** Copies one artifact (`groupId:artifactId:version[:packaging[:classifier]]`) into a folder. */
function copyArtifact(
  artifact: string,
  outputDirectory: string,
  log: (line: string) => void,
  pomProperties: readonly string[],
): Promise<void> {
  return maven('debezium.pom.xml', log, [
    ...pomProperties,
    `org.apache.maven.plugins:maven-dependency-plugin:${versions.mavenDependencyPlugin}:copy`,
    `-Dartifact=${artifact}`,
    `-DoutputDirectory=${outputDirectory}`,
  ]);
}

async function maven(pom: string, log: (line: string) => void, goalAndProperties: readonly string[]): Promise<void> {
  const args = ['-B', '-f', join(pomFolder, pom), ...goalAndProperties];
  const output: string[] = [];
  const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (line: string): void => {
    output.push(line);
    // Downloads are the slow part of a first run: show each one so the wait is visibly progressing.
    const downloaded = /Downloaded from \S+: \S+\/([^/]+\.jar) \(([^)]+)\)/.exec(line);
    if (downloaded) log(`  downloaded ${downloaded[1]} (${downloaded[2]})`);
  };
  createInterface({ input: child.stdout }).on('line', collect);
  createInterface({ input: child.stderr }).on('line', collect);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (error) =>
      reject(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error('Maven (mvn) is not on the PATH: install it (Debian: apt-get install maven) and retry.')
          : error,
      ),
    );
    child.once('close', resolve);
  });
  if (code !== 0) {
    const errors = output.filter((line) => line.includes('[ERROR]')).slice(0, 10);
    throw new Error(
      `Maven could not resolve ${pom} (exit ${code}):\n${(errors.length ? errors : output.slice(-20)).join('\n')}`,
    );
  }
}
