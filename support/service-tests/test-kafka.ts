import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultJarCache, resolveJars } from '../components/jars';
import { startKafka } from '../environments/native/kafka';
import { freePort } from '../lib/free-ports';

/** A Kafka broker of the harness for one integration test file: started in `before`, stopped in `after`. */
export async function startTestKafka(): Promise<{ brokers: string[]; stop: () => Promise<void> }> {
  const folder = mkdtempSync(join(tmpdir(), 'cdc-kafka-test-'));
  try {
    // Any connector's jar folder holds the same Kafka jars.
    const jars = await resolveJars(defaultJarCache(), 'mariadb', (line) => console.log(line));
    const started = await startKafka({
      folder,
      kafkaLibs: jars.kafkaLibs,
      port: await freePort(),
      controllerPort: await freePort(),
    });
    return {
      brokers: started.brokers,
      stop: async () => {
        await started.process.stop();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}
