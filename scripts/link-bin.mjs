// Makes `npx tessera` work inside this checkout: npm links the bins of
// dependencies into node_modules/.bin, never the package's own.
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const target = join(root, 'dist/ca/main.js');
const link = join(root, 'node_modules/.bin/tessera');
chmodSync(target, 0o755);
mkdirSync(join(root, 'node_modules/.bin'), { recursive: true });
rmSync(link, { force: true });
symlinkSync('../../dist/ca/main.js', link);
