// The pages a person sees, in Debian's Chromium (issue 7): the whole sign-in flow from the dev
// home page, a used link, keyboard only, dark mode, a 375 px phone, a brand colour and logo; last,
// that no server's output (at the debug level) holds a token, code, cookie or secret it handled.
// Run by CTest (tests/CMakeLists.txt) as `node --test` with LINKGATE_BINARY and
// E2E_SCREENSHOT_DIR; every page is saved there as a PNG. By hand, after `make e2e-deps`:
//   cd tests/e2e && LINKGATE_BINARY=../../build/linkgate node --test e2e.test.mjs
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import {
  close_browser, focus_ring, handled_kinds, log_leaks, newest_link, open_browser, page_problems,
  remember, screenshot, server_logs, start_server,
} from './support.mjs';

const PHONE = { width: 375, height: 740 };

// home → Sign in → type the address → "Check your email" → the outbox → the link → home, signed
// in → Sign out → confirm → home, signed out. `shot` names the screenshots (null: none).
async function whole_flow(page, origin, email, shot, { check = null } = {}) {
  const visit = async (name) => {
    if (check) await check(page, name);
    if (shot) await screenshot(page, `${name}-${shot}`);
  };
  await page.goto(`${origin}/`);
  await page.getByText('You are not signed in.').waitFor();
  await visit('home-signed-out');

  await page.getByRole('link', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/api\/auth\/signin\?/);
  await visit('signin');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign in with Dev Outbox' }).click();

  await page.waitForURL(/\/api\/auth\/verify-request\?provider=outbox&type=email$/);
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  await visit('verify-request');
  await page.getByRole('link', { name: 'Open the dev outbox' }).click();

  await page.waitForURL(`${origin}/dev/outbox`);
  await page.getByText(`To${email}`).or(page.getByText(email)).first().waitFor();
  await visit('outbox');
  await page.getByRole('link', { name: 'Open the sign-in link' }).first().click();

  await page.waitForURL(`${origin}/`);
  await page.getByText(`You are signed in as ${email}.`).waitFor();
  await visit('home-signed-in');

  await page.getByRole('link', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Signout' }).waitFor();
  await page.getByText('Are you sure you want to sign out?').waitFor();
  await visit('signout');
  await page.getByRole('button', { name: 'Sign out' }).click();

  await page.waitForURL(`${origin}/`);
  await page.getByText('You are not signed in.').waitFor();
}

// The checks every page passes when JavaScript is on (page_problems runs in the page).
async function no_problems(page, name) {
  assert.deepEqual(await page.evaluate(page_problems), [], `${name} at ${page.url()}`);
}

describe('linkgate pages in Chromium', { timeout: 120000 }, () => {
  let server;
  before(async () => { server = await start_server(); });
  after(async () => { await server?.stop(); });

  test('the whole flow works without JavaScript (desktop, light)', async () => {
    const browser = await open_browser({ javaScriptEnabled: false, colorScheme: 'light' });
    try {
      await whole_flow(browser.page, server.origin, 'jane@example.com', 'light');
    } finally {
      await close_browser(browser);
    }
  });

  test('a used link shows the error page, whose Sign in link asks for a new one', async () => {
    const browser = await open_browser({ colorScheme: 'light' });
    const { page } = browser;
    try {
      await page.goto(`${server.origin}/api/auth/signin`);
      await page.getByLabel('Email').fill('used@example.com');
      await page.getByRole('button', { name: 'Sign in with Dev Outbox' }).click();
      await page.waitForURL(/verify-request/);
      const link = await newest_link(server.origin);
      await page.goto(link);
      await page.getByText('You are signed in as used@example.com.').waitFor();

      const again = await page.goto(link);
      assert.equal(again.status(), 403);
      await page.getByRole('heading', { name: 'Unable to sign in' }).waitFor();
      await page.getByText('The sign in link is no longer valid.').waitFor();
      await page.getByText('It may have been used already or it may have expired.').waitFor();
      await no_problems(page, 'error');
      await screenshot(page, 'error-verification-light');

      await page.getByRole('link', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(/\/api\/auth\/signin\?email=used%40example\.com$/);
      assert.equal(await page.getByLabel('Email').inputValue(), 'used@example.com');
      await page.getByRole('button', { name: 'Sign in with Dev Outbox' }).click();
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
      assert.notEqual(await newest_link(server.origin), link, 'a new link was sent');
    } finally {
      await close_browser(browser);
    }
  });

  test('keyboard alone, with a visible focus ring', async () => {
    const browser = await open_browser({ colorScheme: 'light' });
    const { page } = browser;
    try {
      await page.goto(`${server.origin}/`);
      const seen = [];
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press('Tab');
        const ring = await page.evaluate(focus_ring);
        seen.push(ring);
        if (ring.text === 'Sign in') break;
      }
      const ring = seen.at(-1);
      assert.equal(ring.text, 'Sign in', JSON.stringify(seen));
      assert.match(ring.outline, /^solid [3-9]/, 'the focused link shows a ring');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/api\/auth\/signin/);
      // The email field has autofocus: type straight away, Enter submits.
      assert.equal((await page.evaluate(focus_ring)).id, 'input-email-for-outbox-provider');
      await page.keyboard.type('keys@example.com');
      await page.keyboard.press('Tab');
      const button = await page.evaluate(focus_ring);
      assert.equal(button.text, 'Sign in with Dev Outbox');
      assert.match(button.outline, /^solid [3-9]/, 'the focused button shows a ring');
      await screenshot(page, 'signin-focus-light');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    } finally {
      await close_browser(browser);
    }
  });

  test('dark mode (prefers-color-scheme: dark with the auto theme)', async () => {
    const browser = await open_browser({ colorScheme: 'dark' });
    try {
      const check = async (page, name) => {
        await no_problems(page, name);
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        assert.equal(bg, 'rgb(22, 27, 34)', `${name} follows the dark palette`);
      };
      await whole_flow(browser.page, server.origin, 'dark@example.com', 'dark', { check });
      await browser.page.goto(`${server.origin}/api/auth/error?error=Verification`);
      await check(browser.page, 'error');
      await screenshot(browser.page, 'error-verification-dark');
    } finally {
      await close_browser(browser);
    }
  });

  test('a 375 px phone: no sideways scrolling, readable, tappable', async () => {
    const browser = await open_browser({
      viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'light',
    });
    try {
      const check = async (page, name) => {
        await no_problems(page, name);
        const small = await page.evaluate(() => [...document.querySelectorAll('.button, input')]
          .filter((el) => el.type !== 'hidden' && el.getBoundingClientRect().height < 44)
          .map((el) => el.outerHTML.slice(0, 60)));
        assert.deepEqual(small, [], `${name}: buttons and fields at least 44 px tall`);
      };
      await whole_flow(browser.page, server.origin, 'a.rather.long.address@example.com', 'phone',
        { check });
      await browser.page.goto(`${server.origin}/api/auth/signin?error=RateLimited&retryAfter=90`);
      await browser.page.getByText('Too many attempts. Try again in 2 minutes.').waitFor();
      await check(browser.page, 'signin rate limited');
      await screenshot(browser.page, 'signin-rate-limited-phone');
    } finally {
      await close_browser(browser);
    }
  });
});

describe('theme settings', { timeout: 120000 }, () => {
  // The logo comes from another origin, as a real deployment's would.
  const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">' +
    '<rect width="40" height="40" rx="10" fill="#7c3aed"/><circle cx="20" cy="20" r="8" fill="#fff"/>' +
    '<text x="50" y="27" font-family="sans-serif" font-size="18" font-weight="700" fill="#7c3aed">' +
    'acme</text></svg>';
  let logo_server;
  let logo_url;
  before(async () => {
    logo_server = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/svg+xml' });
      res.end(LOGO);
    });
    await new Promise((resolve) => logo_server.listen(0, '127.0.0.1', resolve));
    logo_url = `http://127.0.0.1:${logo_server.address().port}/logo.svg`;
  });
  after(() => new Promise((resolve) => logo_server.close(resolve)));

  test('brand colour, button text colour and logo', async () => {
    const server = await start_server({
      AUTH_THEME_BRAND_COLOR: '#7c3aed', AUTH_THEME_BUTTON_TEXT: '#fffbeb',
      AUTH_THEME_LOGO: logo_url, AUTH_THEME_COLOR_SCHEME: 'light',
    });
    const browser = await open_browser({ colorScheme: 'dark' });
    const { page } = browser;
    try {
      const check = async (p, name) => {
        await no_problems(p, name);
        const logo = p.locator('img.logo');
        await logo.waitFor();
        assert.ok(await logo.evaluate((img) => img.complete && img.naturalWidth > 0), 'logo shown');
        const buttons = await p.locator('.button').evaluateAll((all) => all.map((b) => {
          const style = getComputedStyle(b);
          return [style.backgroundColor, style.color];
        }));
        // The error page honours brandColor but not buttonText (authjs-behaviour.md §7).
        const text = name === 'error' ? 'rgb(255, 255, 255)' : 'rgb(255, 251, 235)';
        for (const colours of buttons) {
          assert.deepEqual(colours, ['rgb(124, 58, 237)', text], `${name}: brand colours`);
        }
      };
      // colorScheme "light" wins over the browser's dark preference.
      await whole_flow(page, server.origin, 'brand@example.com', 'brand', { check });
      await page.goto(`${server.origin}/api/auth/error?error=Verification&email=brand%40example.com`);
      await check(page, 'error');
      await screenshot(page, 'error-verification-brand');
    } finally {
      await close_browser(browser);
      await server.stop();
    }
  });

  test('colorScheme "dark" wins over a light browser', async () => {
    const server = await start_server({ AUTH_THEME_COLOR_SCHEME: 'dark' });
    const browser = await open_browser({ colorScheme: 'light' });
    try {
      await browser.page.goto(`${server.origin}/api/auth/signin`);
      assert.equal(await browser.page.evaluate(() => getComputedStyle(document.body).backgroundColor),
        'rgb(22, 27, 34)');
      await no_problems(browser.page, 'signin');
    } finally {
      await close_browser(browser);
      await server.stop();
    }
  });
});

// The confirm page (LINKGATE_CONFIRM, SPEC B2) and the one-time code (LINKGATE_ONE_TIME_CODE,
// SPEC B3), as a person meets them, without JavaScript; then both pages light, dark, on a phone
// and with a brand theme.
async function newest_code(origin) {
  const messages = await (await fetch(`${origin}/dev/outbox.json`)).json();
  const match = messages[0]?.text.match(/Or enter this code: (\d+)/);
  if (!match) throw new Error('no code in the newest email');
  remember('one-time code', match[1]);
  return match[1];
}

// home → Sign in → the address → the sign-in button; ends on the verify-request page.
async function ask_for_email(page, origin, email) {
  await page.goto(`${origin}/`);
  await page.getByRole('link', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/api\/auth\/signin\?/);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign in with Dev Outbox' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
}

async function session_email(page, origin) {
  const session = await (await page.context().request.get(`${origin}/api/auth/session`)).json();
  return session?.user?.email ?? null;
}

describe('confirm page and one-time code', { timeout: 120000 }, () => {
  test('confirm on: the emailed link opens "Sign in as …?", whose button signs in', async () => {
    const server = await start_server({ LINKGATE_CONFIRM: 'true' });
    const browser = await open_browser({ javaScriptEnabled: false, colorScheme: 'light' });
    const { page } = browser;
    try {
      await ask_for_email(page, server.origin, 'confirm@example.com');
      await page.getByRole('link', { name: 'Open the dev outbox' }).click();
      await page.getByRole('link', { name: 'Open the sign-in link' }).first().click();
      await page.getByRole('heading', { name: 'Sign in as confirm@example.com?' }).waitFor();
      assert.match(page.url(), /\/api\/auth\/callback\/outbox\?/);
      assert.equal(await session_email(page, server.origin), null, 'the page alone signs no one in');
      // Opened again (as a mail scanner would have): still the page, the link still unspent.
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in as confirm@example.com?' }).waitFor();
      await screenshot(page, 'confirm-light');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${server.origin}/`);
      await page.getByText('You are signed in as confirm@example.com.').waitFor();
    } finally {
      await close_browser(browser);
      await server.stop();
    }
  });

  test('code on: a wrong code says so, the right one typed with the keyboard signs in', async () => {
    const server = await start_server({ LINKGATE_ONE_TIME_CODE: 'true' });
    const browser = await open_browser({ javaScriptEnabled: false, colorScheme: 'light' });
    const { page } = browser;
    try {
      await ask_for_email(page, server.origin, 'code@example.com');
      await page.waitForURL(/\/verify-request\?provider=outbox&type=email&email=code%40example\.com$/);
      assert.equal(await page.getByLabel('Email', { exact: true }).inputValue(), 'code@example.com');
      const field = page.getByLabel('Code from the email');
      assert.equal(await field.getAttribute('inputmode'), 'numeric');
      assert.equal(await field.getAttribute('autocomplete'), 'one-time-code');
      await screenshot(page, 'verify-request-code-light');

      const code = await newest_code(server.origin);
      assert.match(code, /^\d{6}$/);
      const wrong = code.slice(0, 5) + String((Number(code[5]) + 1) % 10);
      await field.fill(wrong);
      await page.getByRole('button', { name: 'Sign in with code' }).click();
      await page.waitForURL(/error=Verification$/);
      await page.getByText('That code did not work.', { exact: false }).waitFor();
      assert.equal(await page.getByLabel('Email', { exact: true }).inputValue(), 'code@example.com');
      await screenshot(page, 'verify-request-code-error-light');

      // The code field has the focus (autofocus): type the code, Enter submits.
      assert.equal((await page.evaluate(focus_ring)).id, 'code');
      await page.keyboard.type(code);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${server.origin}/`);
      await page.getByText('You are signed in as code@example.com.').waitFor();
    } finally {
      await close_browser(browser);
      await server.stop();
    }
  });

  test('both pages: focus ring, dark, a 375 px phone, brand theme', async () => {
    const server = await start_server({ LINKGATE_CONFIRM: 'true', LINKGATE_ONE_TIME_CODE: 'true' });
    const email = 'a.rather.long.address@example.com';
    // The confirm page never looks the token up, so any token shows it.
    const confirm_url = `${server.origin}/api/auth/callback/outbox?token=${'ab'.repeat(32)}` +
      `&email=${encodeURIComponent(email)}`;
    const code_url = `${server.origin}/api/auth/verify-request?provider=outbox&type=email` +
      `&email=${encodeURIComponent(email)}`;
    const pages = [['confirm', confirm_url, 'Sign in', 'submitButton'],
      ['verify-request-code', code_url, 'Sign in with code', 'code']];
    try {
      const light = await open_browser({ colorScheme: 'light' });
      try {
        for (const [name, url, button, focused] of pages) {
          await light.page.goto(url);
          await no_problems(light.page, name);
          assert.equal((await light.page.evaluate(focus_ring)).id, focused, `${name}: autofocus`);
          const ring = await light.page.evaluate(focus_ring);
          assert.match(ring.outline, /^solid [3-9]/, `${name}: the focus shows a ring`);
          await light.page.getByRole('button', { name: button, exact: true }).waitFor();
        }
      } finally {
        await close_browser(light);
      }

      const dark = await open_browser({ colorScheme: 'dark' });
      try {
        for (const [name, url] of pages) {
          await dark.page.goto(url);
          await no_problems(dark.page, name);
          assert.equal(await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor),
            'rgb(22, 27, 34)', `${name} follows the dark palette`);
          await screenshot(dark.page, `${name}-dark`);
        }
      } finally {
        await close_browser(dark);
      }

      const phone = await open_browser({
        viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'light',
      });
      try {
        for (const [name, url] of pages) {
          await phone.page.goto(url);
          await no_problems(phone.page, name);
          const small = await phone.page.evaluate(() => [...document.querySelectorAll('.button, input')]
            .filter((el) => el.type !== 'hidden' && el.getBoundingClientRect().height < 44)
            .map((el) => el.outerHTML.slice(0, 60)));
          assert.deepEqual(small, [], `${name}: buttons and fields at least 44 px tall`);
          await screenshot(phone.page, `${name}-phone`);
        }
      } finally {
        await close_browser(phone);
      }
    } finally {
      await server.stop();
    }

    const brand = await start_server({
      LINKGATE_CONFIRM: 'true', LINKGATE_ONE_TIME_CODE: 'true', AUTH_THEME_BRAND_COLOR: '#7c3aed',
      AUTH_THEME_BUTTON_TEXT: '#fffbeb', AUTH_THEME_COLOR_SCHEME: 'dark',
    });
    const browser = await open_browser({ colorScheme: 'light' });
    try {
      for (const [name, url] of pages) {
        await browser.page.goto(url.replace(server.origin, brand.origin));
        await no_problems(browser.page, name);
        const colours = await browser.page.locator('button.button').evaluate((b) => {
          const style = getComputedStyle(b);
          return [style.backgroundColor, style.color];
        });
        assert.deepEqual(colours, ['rgb(124, 58, 237)', 'rgb(255, 251, 235)'], `${name}: brand`);
        await screenshot(browser.page, `${name}-brand-dark`);
      }
    } finally {
      await close_browser(browser);
      await brand.stop();
    }
  });
});

// Last, once every server above has stopped: none of them wrote, at the debug level, any token,
// code, cookie value, CSRF token or secret the suite handled (raw or percent-encoded).
describe('log secrecy', () => {
  test('no token, code, cookie, CSRF value or secret in any server output', () => {
    const kinds = handled_kinds();
    for (const kind of ['AUTH_SECRET', 'link token', 'one-time code', 'csrf token',
      'session cookie']) {
      assert.ok(kinds[kind] > 0, `the suite handled no ${kind}: ${JSON.stringify(kinds)}`);
    }
    // The outputs are those of servers that worked: their audit lines are there.
    const logs = server_logs().join('\n');
    assert.match(logs, /event=sign_in_completed/);
    assert.match(logs, /event=csrf_failed|event=sign_in_failed/);
    assert.deepEqual(log_leaks(), []);
  });
});
