/// <reference lib="dom" />
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

/**
 * axe-core's own bundle, evaluated in the page through the DevTools protocol (page.evaluate): a
 * script tag would be refused by the product's Content-Security-Policy (script-src 'self'), and
 * evaluation from the protocol is not subject to it, so the CSP the users get is the one tested.
 */
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0 and 2.1, levels A and AA, and axe's best practices (landmarks, headings, names). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** The impacts that fail a page. */
const FAILING = new Set(['serious', 'critical']);

/**
 * Rules switched off, each a demonstrated false positive. Empty: every rule of the tags above runs.
 * (Add `rule: 'reason'` only with the reason written here.)
 */
const FALSE_POSITIVES: Record<string, string> = {};

export interface A11yViolation {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** Runs axe on the page as it is now and answers every serious or critical violation. */
export async function seriousViolations(page: Page, options: { include?: string } = {}): Promise<A11yViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const runOptions: RunOptions = {
    runOnly: { type: 'tag', values: AXE_TAGS },
    rules: Object.fromEntries(Object.keys(FALSE_POSITIVES).map((id) => [id, { enabled: false }])),
    resultTypes: ['violations'],
  };
  const results = await page.evaluate(
    ([include, opts]) => (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<AxeResults> } }).axe.run(include ?? document, opts),
    [options.include ?? null, runOptions] as const,
  );
  return results.violations
    .filter((v) => FAILING.has(v.impact ?? ''))
    .map((v) => ({ rule: v.id, impact: v.impact!, help: v.help, targets: v.nodes.map((n) => `${n.target.join(' ')}${n.any[0]?.message ? ` — ${n.any[0].message}` : ''}`) }));
}

/** One line per violation: rule, impact, help and the elements (the first few). */
export function describeViolations(violations: A11yViolation[]): string {
  return violations
    .map((v) => `${v.rule} (${v.impact}): ${v.help}\n    ${v.targets.slice(0, 8).join('\n    ')}${v.targets.length > 8 ? `\n    … and ${v.targets.length - 8} more` : ''}`)
    .join('\n');
}

/** Fails, listing each serious or critical violation, unless the page has none. */
export async function expectAccessible(page: Page, label: string, options: { include?: string } = {}): Promise<void> {
  const violations = await seriousViolations(page, options);
  if (violations.length > 0) throw new Error(`${label}: ${violations.length} serious/critical accessibility violation(s)\n  ${describeViolations(violations).replace(/\n/g, '\n  ')}`);
}
