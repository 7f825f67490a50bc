// Part of `npm run build` (the services image runs the same command): copies every file the compiled services read
// at run time (migrations, email templates) from src/ to the same place under dist/. Whatever is not TypeScript, a
// test fixture or a document is such a file, so a new one needs no list to be updated.
//   node scripts/copy-service-assets.mjs [from] [to]   (src and dist by default)
import { cpSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const [from = 'src', to = 'dist'] = process.argv.slice(2);

/** The files of `folder` that the compiled code reads, relative to it. */
export function serviceAssets(folder) {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .filter((file) => !file.endsWith('.ts') && !file.endsWith('.md') && !file.split(/[\\/]/).includes('fixtures'));
}

for (const file of serviceAssets(from)) cpSync(join(from, file), join(to, file));
