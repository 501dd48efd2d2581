// What an administrator and a key holder do in the dashboard, step by step, against the real server.

import { assert, checkPage, settled } from './harness.mjs';
import { FAKE_USAGE, PRICED_MODEL } from './fake-upstream.mjs';
import { runManagementSteps } from './steps-manage.mjs';

const ADMIN_PAGES = ['/', '/providers/', '/users/', '/logs/', '/sessions/', '/leaderboards/', '/prices/', '/usage-doc/'];

function pageName(path) {
  return path === '/' ? 'overview' : path.replace(/[/?=&]+/g, '-').replace(/^-|-$/g, '');
}

async function proxiedRequest(base, key, stream) {
  const res = await fetch(`${base}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({ model: PRICED_MODEL, max_tokens: 64, stream, messages: [{ role: 'user', content: 'Hello from the e2e test' }] }),
  });
  const body = await res.text();
  assert(res.status === 200, `proxy answered ${res.status}: ${body.slice(0, 300)}`);
  const id = res.headers.get('x-request-id');
  assert(id, 'the proxy response has no x-request-id');
  return id;
}

export async function runScenario(run, { browser, server, upstream }) {
  const { step, shot, expectHttpErrors } = run;
  const base = server.url;
  const state = { secret: null, requestIds: [], userId: null };

  const admin = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: base });
  await admin.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await admin.newPage();
  run.watch(page, 'admin');

  await step('a stranger is sent to the login page, which refuses a wrong token', async () => {
    await page.goto('/providers/');
    await page.waitForURL(/\/login\/\?next=/);
    await settled(page);
    await shot(page, 'login-desktop-light');
    await expectHttpErrors(async () => {
      await page.fill('#login-token', 'definitely-not-the-admin-token');
      await page.click('#login button[type=submit]');
      await page.locator('#login-token-error').filter({ hasText: 'not accepted' }).waitFor();
    });
  });

  await step('the admin logs in with the admin token', async () => {
    await page.fill('#login-token', server.adminToken);
    await page.click('#login button[type=submit]');
    await page.waitForURL(`${base}/providers/`);
    await settled(page);
  });

  await step('the provider form shows the API\'s reasons beside the fields', async () => {
    await page.click('#new-provider');
    await page.fill('#provider-name', '');
    await page.fill('#provider-baseUrl', 'not a url');
    await expectHttpErrors(async () => {
      await page.click('#provider button[type=submit]');
      await page.locator('#provider-baseUrl-error:not(:empty)').waitFor();
    });
    assert((await page.textContent('#provider-name-error'))?.trim(), 'no reason shown beside the empty name');
    assert(await page.getAttribute('#provider-baseUrl', 'aria-invalid') === 'true', 'the bad URL field is not marked invalid');
    await shot(page, 'provider-form-errors');
  }, { needs: ['the admin logs in with the admin token'] });

  await step('the admin creates a provider pointing at the fake upstream', async () => {
    await page.fill('#provider-name', 'fake-anthropic');
    await page.selectOption('#provider-type', 'claude');
    await page.fill('#provider-baseUrl', upstream.url);
    await page.fill('#provider-apiKey', 'sk-ant-fake-upstream-key');
    await page.click('#add-redirect');
    await page.fill('#redirect-from-1', 'claude-opus-4-5');
    await page.fill('#redirect-to-1', PRICED_MODEL);
    await page.click('#provider button[type=submit]');
    const row = page.locator('tr[data-provider="fake-anthropic"]');
    await row.waitFor();
    const text = await row.textContent();
    assert(text.includes('100%'), `the only enabled provider should carry 100% of its tier: ${text}`);
    assert(text.includes('1 redirect'), `the model redirect is not listed: ${text}`);
    assert(text.includes('healthy'), `a new provider's circuit should be closed: ${text}`);
    await shot(page, 'providers-desktop-light');
  }, { needs: ['the admin logs in with the admin token'] });

  await step('the admin syncs prices from a URL and sees the result', async () => {
    await page.goto('/prices/');
    await settled(page);
    await page.fill('#sync-url', `${upstream.url}/prices.json`);
    await page.click('#sync button[type=submit]');
    await page.locator('#sync-result .notice', { hasText: 'Sync finished' }).waitFor();
    const result = await page.textContent('#sync-result');
    assert(/\d+ models read, \d+ updated/.test(result), `sync result lacks counts: ${result}`);
    assert(result.includes(`${upstream.url}/prices.json`), `sync result does not name its source: ${result}`);
    await page.locator(`tr[data-model="${PRICED_MODEL}"]`).waitFor();
    await page.fill('#price-search-q', 'haiku');
    const rows = await page.locator('tr[data-model]').count();
    assert(rows === 1, `searching "haiku" should leave one row, found ${rows}`);
    await page.click('tr[data-model="claude-haiku-4-5"] button:has-text("Edit")');
    await page.fill('#price-inputPerMTokUsd', '1.5');
    await page.click('#price button[type=submit]');
    await page.locator('tr[data-model="claude-haiku-4-5"] .badge', { hasText: 'manual' }).waitFor();
    await shot(page, 'prices-desktop-light');
  }, { needs: ['the admin logs in with the admin token'] });

  await step('the admin creates a user and a key whose secret is shown once', async () => {
    await page.goto('/users/');
    await settled(page);
    await page.click('#new-user');
    await page.fill('#user-name', 'alice');
    await page.fill('#user-rpmLimit', '60');
    await page.fill('#user-dailyLimitUsd', '50');
    await page.click('#user button[type=submit]');
    await page.waitForURL(/\/user\/\?id=/);
    state.userId = new URL(page.url()).searchParams.get('id');
    await settled(page);
    await page.click('#new-key');
    await page.fill('#key-name', 'laptop');
    await page.fill('#key-limit5hUsd', '10');
    await page.click('#key button[type=submit]');
    await page.locator('#secret-dialog[open]').waitFor();
    const secret = (await page.textContent('#secret-value'))?.trim() ?? '';
    assert(/^sk-[A-Za-z0-9_-]{32,}$/.test(secret), `the secret does not look like a client key: ${secret}`);
    assert((await page.textContent('#secret-dialog')).includes('shown only once'), 'no once-only warning next to the secret');
    await page.click('#secret-copy');
    await page.locator('#secret-copy', { hasText: 'Copied' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert(copied === secret, 'the copy button did not put the secret on the clipboard');
    await shot(page, 'key-secret-once');
    await page.click('#secret-dialog button:has-text("I have saved it")');
    await page.locator('#secret-dialog').waitFor({ state: 'hidden' });
    await page.locator('article[data-key="laptop"]').waitFor();
    await settled(page);
    assert(!(await page.content()).includes(secret), 'the secret is still in the page after the dialog closed');
    await page.reload();
    await settled(page);
    assert(!(await page.content()).includes(secret), 'the secret is shown again after a reload');
    assert((await page.textContent('article[data-key="laptop"]')).includes(secret.slice(0, 6)), 'the key list does not show the key prefix');
    state.secret = secret;
    await shot(page, 'user-desktop-light');
  }, { needs: ['the admin logs in with the admin token'] });

  await step('proxied requests with the new key reach the fake upstream', async () => {
    state.requestIds.push(await proxiedRequest(base, state.secret, false));
    state.requestIds.push(await proxiedRequest(base, state.secret, true));
    assert(upstream.seen.length >= 2, `the fake upstream saw ${upstream.seen.length} requests`);
  }, { needs: ['the admin creates a user and a key whose secret is shown once', 'the admin creates a provider pointing at the fake upstream'] });

  await step('the request appears in Logs with its decision chain, tokens and cost', async () => {
    const id = state.requestIds[0];
    const row = page.locator(`tr[data-log="${id}"]`);
    // Logs are written after the response (settle is off the client's path, batched for up to
    // WRITE_COALESCE_MS), so the admin may need a reload or two, as a person would.
    for (let attempt = 0; attempt < 20; attempt++) {
      await page.goto('/logs/');
      await settled(page);
      if ((await row.count()) > 0) break;
      await page.waitForTimeout(250);
    }
    await row.waitFor();
    assert((await row.textContent()).includes('alice'), 'the log row does not name the user');
    await row.locator('button', { hasText: 'Details' }).click();
    await page.locator('#log-dialog[open]').waitFor();
    await settled(page);
    const detail = await page.textContent('#log-detail');
    assert(detail.includes(id), 'the detail does not show the request id');
    const tableTitled = (title) => page.locator('#log-detail table').filter({ has: page.locator('caption', { hasText: title }) });
    const chain = await tableTitled('Decision chain').textContent();
    assert(chain.includes('fake-anthropic') && chain.includes('initial pick'), `decision chain lacks the provider pick: ${chain}`);
    const tokens = await tableTitled('Tokens').textContent();
    assert(tokens.includes(FAKE_USAGE.input_tokens.toLocaleString('en-US')), `token breakdown lacks the input tokens: ${tokens}`);
    const cost = await page.textContent('#log-detail section[aria-labelledby="cost-title"]');
    assert(/Total\s*\$\d/.test(cost), `cost breakdown has no total: ${cost}`);
    await shot(page, 'log-detail-desktop-light');
    await page.keyboard.press('Escape');
    await page.selectOption('#filters-userId', state.userId);
    await page.click('#filters button[type=submit]');
    await settled(page);
    assert(await page.locator('tr[data-log]').count() >= 2, 'filtering by the user lost its requests');
    assert(new URL(page.url()).searchParams.get('userId') === state.userId, 'the filter is not kept in the URL');
  }, { needs: ['proxied requests with the new key reach the fake upstream'] });

  await step('the overview chart, totals and top users include the request', async () => {
    await page.goto('/');
    await settled(page);
    await page.locator('#usage-chart .uplot canvas').first().waitFor();
    const today = await page.textContent('#today');
    const requests = Number((today.match(/Requests today\s*([\d,]+)/)?.[1] ?? '0').replace(/,/g, ''));
    assert(requests >= 2, `today's requests show ${requests}: ${today}`);
    assert((await page.textContent('#top-users')).includes('alice'), 'top users does not list alice');
    assert((await page.textContent('#top-providers')).includes('fake-anthropic'), 'top providers does not list the provider');
    assert((await page.textContent('#health')).includes('healthy'), 'provider health does not show the closed circuit');
    await shot(page, 'overview-desktop-light');
  }, { needs: ['proxied requests with the new key reach the fake upstream'] });

  await step('the leaderboards rank the user and the model', async () => {
    await page.goto('/leaderboards/?by=user');
    await settled(page);
    assert((await page.textContent('#board-region')).includes('alice'), 'the daily user board does not list alice');
    await page.selectOption('#board-by', 'model');
    await settled(page);
    assert((await page.textContent('#board-region')).includes(PRICED_MODEL), 'the model board does not list the model');
    await page.selectOption('#board-period', 'monthly');
    await settled(page);
    assert((await page.textContent('#board-region')).includes(PRICED_MODEL), 'the monthly model board does not list the model');
  }, { needs: ['proxied requests with the new key reach the fake upstream'] });

  await runManagementSteps(run, { page, base, state });

  await step('dark mode toggles and persists across pages', async () => {
    await page.goto('/sessions/');
    await settled(page);
    const before = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.click('#theme-toggle');
    assert(await page.getAttribute('html', 'data-theme') === 'dark', 'the toggle did not switch to dark');
    const after = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert(before !== after, 'the background did not change colour');
    await page.goto('/providers/');
    await settled(page);
    assert(await page.getAttribute('html', 'data-theme') === 'dark', 'dark mode was not kept on the next page');
    await shot(page, 'providers-desktop-dark');
    await page.click('#theme-toggle');
    assert(await page.getAttribute('html', 'data-theme') === 'light', 'the toggle did not switch back to light');
  }, { needs: ['the admin logs in with the admin token'] });

  await step('every admin page works at 375 px, light and dark, with every field labelled', async () => {
    const failures = [];
    for (const [width, height, device] of [[375, 812, 'mobile'], [1280, 900, 'desktop']]) {
      await page.setViewportSize({ width, height });
      for (const theme of ['light', 'dark']) {
        await page.evaluate((t) => localStorage.setItem('codehub.theme', t), theme);
        for (const path of [...ADMIN_PAGES, `/user/?id=${state.userId}`]) {
          try {
            await page.goto(path);
            await settled(page);
            await checkPage(page);
          } catch (err) {
            failures.push(`${path} (${device}, ${theme}): ${err.message}`);
          }
          await shot(page, `${pageName(path.startsWith('/user/') ? '/user/' : path)}-${device}-${theme}`);
        }
      }
    }
    await page.evaluate(() => localStorage.removeItem('codehub.theme'));
    assert(failures.length === 0, failures.join('\n'));
  }, { needs: ['the admin creates a user and a key whose secret is shown once'] });

  await step('the mobile menu opens with the keyboard', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto('/logs/');
    await settled(page);
    assert(!(await page.isVisible('#site-nav')), 'the nav should be folded away on a phone');
    await page.focus('#menu-toggle');
    await page.keyboard.press('Enter');
    assert(await page.isVisible('#site-nav a[href="/prices/"]'), 'the menu did not open');
    assert(await page.getAttribute('#menu-toggle', 'aria-expanded') === 'true', 'the menu button does not report it is open');
    await shot(page, 'menu-mobile-light');
    await page.setViewportSize({ width: 1280, height: 900 });
  }, { needs: ['the admin logs in with the admin token'] });

  const holder = await browser.newContext({ viewport: { width: 375, height: 812 }, baseURL: base });
  const hp = await holder.newPage();
  run.watch(hp, 'keyholder');

  await step('a key holder logs in with the client key and sees only My usage', async () => {
    await hp.goto('/login/');
    await settled(hp);
    await hp.fill('#login-token', state.secret);
    await hp.click('#login button[type=submit]');
    await hp.waitForURL(`${base}/me/`);
    await settled(hp);
    const nav = await hp.$$eval('#site-nav li:not([hidden]) a', (as) => as.map((a) => a.textContent.trim()));
    assert(JSON.stringify(nav) === JSON.stringify(['My usage', 'Usage doc']), `key holder nav shows ${nav.join(', ')}`);
    const region = await hp.textContent('#me-region');
    assert(region.includes('laptop') && region.includes('alice'), 'My usage does not name the key and user');
    assert(region.includes('5 hours') && /Resets in/.test(region), 'My usage lacks the 5-hour window with its reset time');
    assert(region.includes(PRICED_MODEL), 'My usage does not list the recent request');
    await checkPage(hp);
    await shot(hp, 'me-mobile-light');
    await hp.goto('/usage-doc/');
    await settled(hp);
    await checkPage(hp);
    const doc = await hp.textContent('main');
    assert(doc.includes(`ANTHROPIC_BASE_URL="${base}"`), 'the usage doc does not use this deployment\'s URL');
    assert(doc.includes('wire_api = "responses"') && doc.includes(`base_url = "${base}/v1"`), 'the Codex snippet is incomplete');
    await shot(hp, 'usage-doc-keyholder-mobile-light');
  }, { needs: ['proxied requests with the new key reach the fake upstream'] });

  await step('admin pages send a key holder back to My usage', async () => {
    for (const path of ['/providers/', '/logs/', '/']) {
      await hp.goto(path);
      await hp.waitForURL(`${base}/me/`);
    }
    await settled(hp);
  }, { needs: ['a key holder logs in with the client key and sees only My usage'] });

  await step('logging out returns to the login page', async () => {
    await hp.click('#logout');
    await hp.waitForURL(`${base}/login/`);
    await expectHttpErrors(async () => {
      const res = await hp.request.get('/api/me');
      assert(res.status() === 401, `after logout /api/me answered ${res.status()}`);
    });
  }, { needs: ['a key holder logs in with the client key and sees only My usage'] });

  await holder.close();
  await admin.close();
}
