// Day-to-day admin changes in the browser: edit and toggle a provider, hand-set prices, rotate a key,
// and a log filter the API rejects. Run after the first proxied requests.

import { assert, settled } from './harness.mjs';
import { PRICED_MODEL } from './fake-upstream.mjs';

async function status(base, key) {
  const res = await fetch(`${base}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({ model: PRICED_MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'ping' }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

export async function runManagementSteps(run, { page, base, state }) {
  const { step, shot, expectHttpErrors } = run;
  const proxied = 'proxied requests with the new key reach the fake upstream';

  await step('the admin edits a provider without resending its key, then disables and re-enables it', async () => {
    await page.goto('/providers/');
    await settled(page);
    const row = page.locator('tr[data-provider="fake-anthropic"]');
    await row.locator('button', { hasText: 'Edit' }).click();
    assert((await page.textContent('#provider-apiKey-hint')).includes('…'), 'the edit form does not hint at the stored key');
    assert(await page.inputValue('#redirect-rows .redirect-from') === 'claude-opus-4-5', 'the stored model redirect is not loaded into the editor');
    await page.fill('#provider-weight', '3');
    await page.fill('#provider-allowedModels', 'claude-*');
    await page.click('#provider button[type=submit]');
    await page.locator('#provider-dialog:not([open])').waitFor({ state: 'attached' });
    await settled(page);
    const weight = (await row.locator('td[data-label="Weight"]').textContent())?.trim();
    assert(weight === '3', `the weight column shows ${weight}, not 3`);
    assert((await row.textContent()).includes('models: claude-*'), 'the allowed models are not shown');
    await row.locator('button', { hasText: 'Disable' }).click();
    await row.locator('.badge', { hasText: 'disabled' }).waitFor();
    await expectHttpErrors(async () => {
      const code = await status(base, state.secret);
      assert(code === 503, `with its only provider disabled the proxy answered ${code}, not 503`);
    });
    await row.locator('button', { hasText: 'Enable' }).click();
    await row.locator('.badge', { hasText: 'enabled' }).waitFor();
    assert(await status(base, state.secret) === 200, 'the proxy still refuses after the provider was re-enabled (was its key kept?)');
  }, { needs: [proxied] });

  await step('a manual price for a model name with slashes can be added and deleted', async () => {
    const model = 'openrouter/anthropic/claude-e2e';
    await page.goto('/prices/');
    await settled(page);
    await page.click('#new-price');
    await page.fill('#price-model', model);
    await page.fill('#price-inputPerMTokUsd', '2');
    await page.fill('#price-outputPerMTokUsd', '8');
    await page.click('#price button[type=submit]');
    const row = page.locator(`tr[data-model="${model}"]`);
    await row.locator('.badge', { hasText: 'manual' }).waitFor();
    page.once('dialog', (d) => d.accept());
    await row.locator('button', { hasText: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
  }, { needs: ['the admin logs in with the admin token'] });

  await step('rotating a key shows the new secret once and the old one stops working', async () => {
    await page.goto(`/user/?id=${state.userId}`);
    await settled(page);
    page.once('dialog', (d) => d.accept());
    await page.click('article[data-key="laptop"] button:has-text("Rotate")');
    await page.locator('#secret-dialog[open]').waitFor();
    const fresh = (await page.textContent('#secret-value'))?.trim() ?? '';
    assert(/^sk-[A-Za-z0-9_-]{32,}$/.test(fresh) && fresh !== state.secret, 'rotation did not show a new secret');
    await page.click('#secret-dialog button:has-text("I have saved it")');
    await page.locator('#secret-dialog').waitFor({ state: 'hidden' });
    assert(!(await page.content()).includes(fresh), 'the rotated secret is still in the page after the dialog closed');
    await settled(page);
    await expectHttpErrors(async () => {
      assert(await status(base, state.secret) === 401, 'the old secret still works after rotation');
    });
    assert(await status(base, fresh) === 200, 'the rotated secret does not work');
    state.secret = fresh;
  }, { needs: [proxied] });

  await step('a log filter the API rejects is explained beside its field', async () => {
    await page.goto('/logs/');
    await settled(page);
    await page.fill('#filters-status', '99');
    await expectHttpErrors(async () => {
      await page.click('#filters button[type=submit]');
      await page.locator('#filters-status-error:not(:empty)').waitFor();
    });
    assert(await page.getAttribute('#filters-status', 'aria-invalid') === 'true', 'the status field is not marked invalid');
    await shot(page, 'logs-filter-error');
    await page.click('#clear-filters');
    await settled(page);
    assert(await page.locator('tr[data-log]').count() >= 2, 'clearing the filters did not bring the requests back');
  }, { needs: [proxied] });
}
