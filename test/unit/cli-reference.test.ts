import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderCliReference, withCliReference } from '../../ca/cli/reference.js';
import { COMMANDS } from '../../ca/cli/registry.js';

describe('docs/operations.md CLI reference', () => {
  it('ok/is what the parser prints (regenerate: npm run build && node scripts/gen-cli-reference.mjs)', async () => {
    const doc = await readFile(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    expect(withCliReference(doc, renderCliReference())).toBe(doc);
  });

  it('ok/names every registered command', () => {
    const reference = renderCliReference();
    for (const command of COMMANDS) expect(reference).toContain(`### \`tessera ${command.path.join(' ')}\``);
  });
});
