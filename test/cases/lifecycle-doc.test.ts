import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIFECYCLE_DOC_PATH, renderLifecycleDoc } from '../../src/domain/cases/lifecycle-doc.js';
import { TRANSITIONS } from '../../src/domain/cases/lifecycle.js';

describe('docs/case-lifecycle.md', () => {
  it('is the diagram generated from the lifecycle table (run `closeloop docs lifecycle` after changing it)', () => {
    const committed = fs.readFileSync(LIFECYCLE_DOC_PATH, 'utf8');
    expect(committed).toBe(renderLifecycleDoc());
  });

  it('draws every transition of the table', () => {
    const doc = renderLifecycleDoc();
    for (const t of TRANSITIONS) for (const from of t.from) expect(doc).toContain(`    ${from} --> ${t.to}: ${t.action}`);
  });
});
