import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A fix to Debezium's binlog module (`debezium-connector-binlog`, shared by the MySQL and the MariaDB connectors),
 * applied to the jar the harness resolves until Debezium ships it. Found through issue 14, reproduced on both
 * connectors (MariaDB 3.5.0.Final, MySQL 3.6.1.Final), and kept honest by the spec "A change read again after
 * Debezium's binlog connection was cut in the middle of it…" in features/faults.feature, which fails without it.
 *
 * The bug: when the binlog client reconnects by itself (its keep-alive finds no event for longer than
 * `connect.keep.alive.interval.ms`: the reader blocked on a full queue while Kafka was away, or the JVM stopped) in the
 * middle of a transaction, the server sends that transaction again from its GTID. `BinlogOffsetContext.startGtid` then
 * takes it for a new one: the GTID set to restart from becomes the set that already holds it, while the offsets keep
 * counting its events and rows. The next restart of the task from such an offset (a rebalance, a failure, a restart
 * through the REST API) starts *after* that transaction and skips as many events and rows of the ones that follow:
 * changes are lost, silently.
 *
 * The fix: a GTID equal to the one of the transaction still under way (no commit seen since) is that transaction sent
 * again, so the GTID set to restart from stays the set before it. Remove this once Debezium's own release has it: the
 * spec above then passes without it.
 */
export const binlogPatch = {
  summary:
    'a transaction the binlog client reads again after reconnecting keeps the GTID set from before it as its restart point',
  file: 'io/debezium/connector/binlog/BinlogOffsetContext.java',
  edits: [
    {
      anchor: '    private long restartEventsToSkip = 0;\n',
      replacement:
        '    private long restartEventsToSkip = 0;\n' +
        '    // cdc-harness patch: the GTID of the transaction under way, until its commit.\n' +
        '    private String gtidUnderWay;\n',
    },
    {
      anchor: '    public void startGtid(String gtid, String gtidSet) {\n        sourceInfo.startGtid(gtid);\n',
      replacement:
        '    public void startGtid(String gtid, String gtidSet) {\n' +
        '        // cdc-harness patch: the same GTID again before its commit is the transaction under way, sent again\n' +
        '        // after the binlog client reconnected: the GTID set to restart from stays the set before it.\n' +
        '        final boolean sentAgain = gtid != null && gtid.equals(gtidUnderWay);\n' +
        '        gtidUnderWay = gtid;\n' +
        '        sourceInfo.startGtid(gtid);\n' +
        '        if (sentAgain) {\n' +
        '            return;\n' +
        '        }\n',
    },
    {
      anchor: '    public void commitTransaction() {\n',
      replacement: '    public void commitTransaction() {\n        gtidUnderWay = null;\n',
    },
  ],
} as const;

/** The patched source of BinlogOffsetContext; fails naming the anchor when Debezium's source no longer has it. */
export function patchedSource(source: string, version: string): string {
  return binlogPatch.edits.reduce((text, { anchor, replacement }) => {
    const found = text.split(anchor).length - 1;
    if (found !== 1) {
      throw new Error(
        `Debezium ${version}'s ${binlogPatch.file} has ${found} places matching the patch's anchor ` +
          `${JSON.stringify(anchor.trim())} (one expected): see support/components/debezium-binlog-patch.ts, ` +
          'which may no longer be needed with this version.',
      );
    }
    return text.replace(anchor, replacement);
  }, source);
}

export interface PatchPlan {
  /** The connector's plugin folder: holds debezium-connector-binlog-<version>.jar and everything it compiles against. */
  readonly pluginFolder: string;
  /** Kafka's jars (Connect's API). */
  readonly kafkaLibs: string;
  readonly version: string;
  /** A scratch folder of the caller's. */
  readonly work: string;
  /** Copies `groupId:artifactId:version:jar:sources` into a folder (Maven). */
  readonly fetchSources: (artifact: string, folder: string) => Promise<void>;
  readonly log: (line: string) => void;
}

/** Compiles the patched class against the plugin's own jars and puts it into the plugin's binlog jar. */
export async function patchBinlogModule(plan: PatchPlan): Promise<void> {
  const jar = join(plan.pluginFolder, `debezium-connector-binlog-${plan.version}.jar`);
  if (!existsSync(jar)) throw new Error(`${jar} is missing: the connector no longer ships Debezium's binlog module?`);
  const sources = join(plan.work, 'sources');
  const classes = join(plan.work, 'classes');
  mkdirSync(sources, { recursive: true });
  mkdirSync(classes, { recursive: true });
  await plan.fetchSources(`io.debezium:debezium-connector-binlog:${plan.version}:jar:sources`, sources);
  const sourcesJar = join(sources, `debezium-connector-binlog-${plan.version}-sources.jar`);
  await jdk('jar', ['xf', sourcesJar, binlogPatch.file], sources);
  const file = join(sources, binlogPatch.file);
  writeFileSync(file, patchedSource(readFileSync(file, 'utf8'), plan.version));
  const classpath = [join(plan.pluginFolder, '*'), join(plan.kafkaLibs, '*')].join(':');
  // Java 17: the oldest JVM the worker runs on, natively and in the images.
  await jdk('javac', ['--release', '17', '-nowarn', '-d', classes, '-cp', classpath, file], plan.work);
  await jdk('jar', ['uf', jar, '-C', classes, 'io/debezium/connector/binlog'], plan.work);
  plan.log(`Patched Debezium ${plan.version}'s binlog module: ${binlogPatch.summary}.`);
}

async function jdk(tool: 'jar' | 'javac', args: readonly string[], cwd: string): Promise<void> {
  const command = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', tool) : tool;
  try {
    await promisify(execFile)(command, [...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT') {
      throw new Error(
        `${tool} is not on the PATH (nor in JAVA_HOME): the harness patches Debezium's binlog module with a JDK ` +
          '(Debian: apt-get install openjdk-17-jdk-headless).',
      );
    }
    throw new Error(`${tool} ${args.join(' ')} failed:\n${stderr ?? (error as Error).message}`);
  }
}
