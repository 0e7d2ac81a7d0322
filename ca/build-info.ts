import { readFileSync } from 'node:fs';

/** The package's name and version, read once from its package.json (dist/ca/ and ca/ sit at different depths). */
export const buildInfo: { readonly name: string; readonly version: string } = (() => {
  for (const up of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tessera' && pkg.version) return { name: pkg.name, version: pkg.version };
    } catch {
      // not at this depth
    }
  }
  return { name: 'tessera', version: 'unknown' };
})();
