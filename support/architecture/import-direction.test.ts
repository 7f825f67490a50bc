import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..');
const checked = ['src', 'support', 'steps', 'bench', 'k8s/checks'];

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

/** dependency-cruiser's verdict on a tree, as `npm run lint:deps` asks for it. */
async function violationsIn(folder: string): Promise<Violation[]> {
  const cli = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs');
  const args = [cli, '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...checked];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    cwd: folder,
    maxBuffer: 64 * 1024 * 1024,
  }).catch(
    // It exits non-zero when it finds violations: the report is still on stdout.
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('the import direction (.dependency-cruiser.cjs), on a copy with deliberate violations', {
  timeout: 60_000,
}, () => {
  let copy: string;
  let violations: Violation[];

  before(async () => {
    copy = mkdtempSync(join(tmpdir(), 'import-direction-'));
    for (const folder of checked) {
      cpSync(join(root, folder), join(copy, folder), {
        recursive: true,
        filter: (path) => !path.includes('node_modules'),
      });
    }
    for (const file of ['package.json', 'tsconfig.json', '.dependency-cruiser.cjs'])
      cpSync(join(root, file), join(copy, file));
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
    const add = (file: string, line: string) => appendFileSync(join(copy, file), `\n${line}\n`);
    add('support/lib/eventually.ts', "import '../stack/start-stack';");
    add('support/environments/containers/images.ts', "import '../native/kafka';");
    add('support/components/versions.ts', "import '../specs/world';");
    add('src/push-email/entities/email.ts', "import '../data-sources/mysql-delivery-log';");
    add('src/userdata/interactors/get-user.interactor.ts', "import 'mysql2';");
    add('src/userdata/transport/http/app.ts', "import '../../../push-email/entities/email';");
    add('src/userdata/main.ts', "import '../../support/lib/eventually';");
    writeFileSync(join(copy, 'support/lib/cycle-a.ts'), "import './cycle-b';\nexport const a = 1;\n");
    writeFileSync(join(copy, 'support/lib/cycle-b.ts'), "import './cycle-a';\nexport const b = 2;\n");
    violations = await violationsIn(copy);
  });
  after(() => rmSync(copy, { recursive: true, force: true }));

  const found = (rule: string, from: string, to: string) =>
    assert.ok(
      violations.some((v) => v.rule.name === rule && v.from === from && v.to.includes(to)),
      `expected ${rule}: ${from} → ${to}; found ${JSON.stringify(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`))}`,
    );

  it('refuses a harness folder importing one above it', () => {
    found('support-lib-imports-only-below', 'support/lib/eventually.ts', 'support/stack/start-stack');
    found('support-components-imports-only-below', 'support/components/versions.ts', 'support/specs/world');
  });

  it('refuses one environment importing the other', () => {
    found(
      'support-environments-containers-imports-only-below',
      'support/environments/containers/images.ts',
      'support/environments/native/kafka',
    );
  });

  it("refuses an entity importing an adapter, an interactor importing a driver, and one service another's code", () => {
    found('entities-are-innermost', 'src/push-email/entities/email.ts', 'src/push-email/data-sources/');
    found('inner-layers-know-no-framework', 'src/userdata/interactors/get-user.interactor.ts', 'node_modules/mysql2');
    found('services-are-apart', 'src/userdata/transport/http/app.ts', 'src/push-email/entities/email');
  });

  it('refuses product code importing the harness', () => {
    found('product-code-knows-no-harness', 'src/userdata/main.ts', 'support/lib/eventually');
  });

  it('refuses an import cycle', () => {
    found('no-circular', 'support/lib/cycle-a.ts', 'support/lib/cycle-b.ts');
  });

  // The deliberate upward imports close cycles through the whole harness; those are their doing, not the repository's.
  it('finds nothing else: the repository as it is keeps the direction', () => {
    const deliberate = new Set([
      'support/lib/eventually.ts',
      'support/environments/containers/images.ts',
      'support/components/versions.ts',
      'src/push-email/entities/email.ts',
      'src/userdata/interactors/get-user.interactor.ts',
      'src/userdata/transport/http/app.ts',
      'src/userdata/main.ts',
      'support/lib/cycle-a.ts',
      'support/lib/cycle-b.ts',
    ]);
    assert.deepEqual(
      violations
        .filter((v) => !deliberate.has(v.from) && v.rule.name !== 'no-circular')
        .map((v) => `${v.rule.name}: ${v.from} → ${v.to}`),
      [],
    );
  });
});
