/**
 * `npm run connect-image -- [--tag <image>] [--base <image>] [--cli docker|podman]`: resolves the Debezium plugins
 * with Maven, lays out connect-image/'s build context and builds the image with the Docker (or podman) CLI. For
 * k8s/: `npm run connect-image -- --tag localhost:32000/cdc-harness/connect:<tag>`, then push it.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { defaultJarCache } from '../components/jars';
import { prepareConnectImageContext } from '../environments/containers/connect-image';
import { imageFor, images } from '../environments/containers/images';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tag: { type: 'string', default: images.connect.pinned },
      base: { type: 'string', default: imageFor('connectBase', process.env) },
      cli: { type: 'string', default: process.env.CONTAINER_CLI ?? 'docker' },
    },
  });
  const context = await prepareConnectImageContext(defaultJarCache(), values.base, (line) => console.log(line));
  const args = [
    'build',
    ...Object.entries(context.buildArgs).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]),
    '--tag',
    values.tag,
    context.folder,
  ];
  console.log(`${values.cli} ${args.map((arg) => (/\s/.test(arg) ? `'${arg}'` : arg)).join(' ')}`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(values.cli, args, { stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`${values.cli} build exited with ${code}`);
  console.log(`Built ${values.tag}`);
}

main().catch((error: unknown) => {
  console.error(`connect-image: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
