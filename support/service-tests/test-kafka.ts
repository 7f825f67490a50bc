import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultJarCache, resolveJars } from '../components/jars';
import { NativeKafkaCluster } from '../environments/native/kafka';
import { freePort } from '../lib/free-ports';

/** A Kafka broker of the harness for one integration test file: started in `before`, stopped in `after`. */
export async function startTestKafka(): Promise<{ brokers: string[]; stop: () => Promise<void> }> {
  const folder = mkdtempSync(join(tmpdir(), 'cdc-kafka-test-'));
  try {
    // Any connector's jar folder holds the same Kafka jars.
    const jars = await resolveJars(defaultJarCache(), 'mariadb', (line) => console.log(line));
    const cluster = new NativeKafkaCluster({
      folder,
      kafkaLibs: jars.kafkaLibs,
      nodes: [{ port: await freePort(), controllerPort: await freePort() }],
    });
    const [process] = await cluster.start();
    return {
      brokers: [...cluster.brokers],
      stop: async () => {
        await process?.stop();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}
