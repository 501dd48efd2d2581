// The browser test's small runner: named steps with pass/fail, console-error collection,
// layout and label checks, and screenshots.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export function createRun(outDir) {
  mkdirSync(outDir, { recursive: true });
  const results = [];
  const consoleErrors = [];
  let expectingHttpErrors = 0;

  /** Records every console error and uncaught exception of a page (opt: tolerate expected 4xx lines). */
  function watch(page, label) {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      if (expectingHttpErrors > 0 && /Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
      consoleErrors.push(`[${label}] ${page.url()}: ${text}`);
    });
    page.on('pageerror', (err) => consoleErrors.push(`[${label}] ${page.url()}: uncaught ${err.message}`));
  }

  /** Runs `fn` while 4xx responses are expected (a wrong password, a form the API rejects). */
  async function expectHttpErrors(fn) {
    expectingHttpErrors += 1;
    try {
      return await fn();
    } finally {
      expectingHttpErrors -= 1;
    }
  }

  /** Runs one named step; a failure is recorded and the run continues. `needs` names earlier steps. */
  async function step(name, fn, { needs = [] } = {}) {
    const missing = needs.filter((n) => !results.some((r) => r.name === n && r.ok));
    if (missing.length) {
      results.push({ name, ok: false, error: `not run: needs "${missing.join('", "')}"` });
      console.log(`✗ ${name}\n    not run: needs "${missing.join('", "')}"`);
      return;
    }
    const started = Date.now();
    try {
      await fn();
      results.push({ name, ok: true });
      console.log(`✓ ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      const error = err instanceof Error ? err.message.split('\n').slice(0, 6).join('\n    ') : String(err);
      results.push({ name, ok: false, error });
      console.log(`✗ ${name}\n    ${error}`);
    }
  }

  async function shot(page, name) {
    await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
  }

  return { results, consoleErrors, watch, expectHttpErrors, step, shot };
}

/** Waits until no region is loading (spinners gone, nothing aria-busy). */
export async function settled(page, timeout = 15_000) {
  await page.waitForLoadState('load');
  await page.waitForFunction(() => document.body.dataset.role !== undefined
    && !document.querySelector('.state.loading, [aria-busy="true"]'), null, { timeout });
}

/** Fails when the page scrolls sideways, shows an error state, or has a control without a label. */
export async function checkPage(page) {
  const problems = await page.evaluate(() => {
    const out = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) {
      const wide = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1 && !el.closest('.table-wrap, pre, dialog'))
        .slice(0, 3)
        .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`);
      out.push(`page is ${doc.scrollWidth}px wide in a ${doc.clientWidth}px viewport (${wide.join(', ')})`);
    }
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (el.type === 'hidden') continue;
      const named = el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
      if (!named) out.push(`unlabelled ${el.tagName.toLowerCase()} name=${el.name || '?'} id=${el.id || '?'}`);
    }
    for (const el of document.querySelectorAll('button')) {
      if (!(el.textContent ?? '').trim() && !el.getAttribute('aria-label')) out.push(`button without a name: ${el.outerHTML.slice(0, 80)}`);
    }
    for (const el of document.querySelectorAll('.state.error')) {
      if (el.getClientRects().length) out.push(`error state shown: ${(el.textContent ?? '').trim()}`);
    }
    return out;
  });
  if (problems.length) throw new Error(problems.join('\n'));
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}
