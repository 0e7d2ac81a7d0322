// Writes the CLI reference (each command's --help, from the parser) into
// docs/operations.md. With --check, fails instead when the document differs.
// Reads the built CLI: run `npm run build` first.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderCliReference, withCliReference } from '../dist/ca/cli/reference.js';

const path = new URL('../docs/operations.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const updated = withCliReference(doc, renderCliReference());
if (process.argv.includes('--check')) {
  if (updated !== doc) {
    console.error('docs/operations.md: the CLI reference differs from the parser; run `npm run build && node scripts/gen-cli-reference.mjs`');
    process.exit(1);
  }
} else {
  writeFileSync(path, updated);
}
