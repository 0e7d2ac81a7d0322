// Generates the TypeScript types for proto/tessera/v1 into agent-sdk/gen.
// With --check, generates into a temporary folder and fails when the committed
// types differ, so a proto change cannot land without its types.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const committed = join(root, 'agent-sdk/gen');
const check = process.argv.includes('--check');
const outDir = check ? mkdtempSync(join(tmpdir(), 'tessera-gen-')) : committed;

const protos = readdirSync(join(root, 'proto/tessera/v1')).map((f) => `tessera/v1/${f}`);
// These flags must match the loadSync options in agent-sdk/wire/proto.ts.
execFileSync(
  join(root, 'node_modules/.bin/proto-loader-gen-types'),
  [
    '--longs=Number', '--enums=String', '--defaults', '--oneofs', '--includeComments',
    '--grpcLib=@grpc/grpc-js', '--importFileExtension=.js',
    '-I', 'proto', '-O', outDir, ...protos,
  ],
  // Relative include paths keep the machine's checkout path out of the generated headers.
  { stdio: 'inherit', cwd: root },
);

if (check) {
  const list = (dir) =>
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => statSync(join(dir, f)).isFile())
      .sort();
  const want = list(outDir);
  const have = list(committed);
  const stale = want.filter((f) => !have.includes(f) || readFileSync(join(outDir, f), 'utf8') !== readFileSync(join(committed, f), 'utf8'));
  const extra = have.filter((f) => !want.includes(f));
  rmSync(outDir, { recursive: true, force: true });
  if (stale.length || extra.length) {
    console.error(`agent-sdk/gen is out of date (${[...stale, ...extra].join(', ')}): run npm run gen:proto`);
    process.exit(1);
  }
  console.log(`agent-sdk/gen is current (${relative(root, committed)}, ${want.length} files)`);
}
