import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GenericContainer, getContainerRuntimeClient, ImageName } from 'testcontainers';
import { defaultJarCache, resolveJars } from '../../components/jars';
import { type DebeziumConnectorKind, debeziumConnectors, versions } from '../../components/versions';
import { fillOnce } from '../../lib/cache-folder';
import { imageFor, images } from './images';

export const connectImageFolder = join(__dirname, '..', '..', '..', 'connect-image');
const recipe = ['Dockerfile', 'docker-entrypoint.sh'];

export interface ConnectImageContext {
  /** A folder holding the Dockerfile, its entrypoint and plugins/<connector>/: what `docker build` needs. */
  readonly folder: string;
  /** Changes whenever the recipe, the base image (name, or id when known) or a plugin does: part of the image's tag. */
  readonly hash: string;
  readonly buildArgs: Readonly<Record<string, string>>;
}

/**
 * Lays out connect-image/'s build context in the jar cache: the recipe plus both Debezium plugin folders, resolved
 * with Maven exactly as the native environment resolves them (so every environment runs the same jars).
 */
export async function prepareConnectImageContext(
  jarCache: string,
  baseImage: string,
  log: (line: string) => void,
  /** The base's image id when it is already here: a rebuilt base (same name) then gives a new hash too. */
  baseImageId = '',
): Promise<ConnectImageContext> {
  const kinds: DebeziumConnectorKind[] = ['mysql', 'mariadb'];
  const pluginPaths = await Promise.all(kinds.map(async (kind) => (await resolveJars(jarCache, kind, log)).pluginPath));
  const buildArgs = {
    BASE_IMAGE: baseImage,
    KAFKA_VERSION: versions.kafka,
    DEBEZIUM_VERSIONS: kinds.map((kind) => `${kind} ${debeziumConnectors[kind].version}`).join(', '),
  };
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ buildArgs, pluginPaths }));
  for (const file of recipe) hash.update(readFileSync(join(connectImageFolder, file)));
  const digest = hash.digest('hex').slice(0, 12);
  const imageHash = createHash('sha256').update(digest).update(baseImageId).digest('hex').slice(0, 12);

  const folder = join(jarCache, `connect-image-${digest}`);
  await fillOnce(folder, (staging) => {
    mkdirSync(join(staging, 'plugins'));
    for (const file of recipe) cpSync(join(connectImageFolder, file), join(staging, file));
    for (const pluginPath of pluginPaths) {
      for (const plugin of readdirSync(pluginPath)) {
        cpSync(join(pluginPath, plugin), join(staging, 'plugins', plugin), { recursive: true });
      }
    }
  });
  return { folder, hash: imageHash, buildArgs };
}

/**
 * The Connect image to run: CDC_CONNECT_IMAGE as given, or connect-image/ built on CDC_CONNECT_BASE_IMAGE through the
 * container runtime, once per recipe, base and versions (a hash of them is part of the tag).
 */
export async function connectImageFor(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  jarCache = defaultJarCache(),
): Promise<string> {
  const given = env[images.connect.variable]?.trim();
  if (given) return given;
  const base = imageFor('connectBase', env);
  const client = await getContainerRuntimeClient();
  const baseId = await client.image
    .inspect(ImageName.fromString(base))
    .then((image) => image.Id)
    .catch(() => ''); // not pulled yet: the build pulls it
  const context = await prepareConnectImageContext(jarCache, base, log, baseId);
  const tag = `${images.connect.pinned}-${context.hash}`;
  if (await client.image.exists(ImageName.fromString(tag))) return tag;
  log(`Building ${tag} from connect-image/ on ${base}…`);
  try {
    await GenericContainer.fromDockerfile(context.folder)
      .withBuildArgs({ ...context.buildArgs })
      .build(tag, { deleteOnExit: false });
  } catch (error) {
    throw new Error(
      `Building the Connect image from ${context.folder} failed (${(error as Error).message}); ` +
        'DEBUG=testcontainers:build shows the build log.',
    );
  }
  return tag;
}
