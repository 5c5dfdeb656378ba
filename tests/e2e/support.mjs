// Helpers of the browser suite: start a linkgate binary on a free port in a fresh directory,
// launch Debian's Chromium with a fresh profile, save screenshots, and the page checks (no
// horizontal scrolling, WCAG AA contrast, visible focus) run inside the page.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SCREENSHOT_DIR =
  process.env.E2E_SCREENSHOT_DIR || path.join(process.cwd(), 'screenshots');

// Missing pieces fail the suite (never skip it): a green run must mean the browser ran.
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (error) {
  throw new Error(
    `playwright-core is not installed (${error.message}); run \`npm ci\` in tests/e2e ` +
      '(`make test` does it)');
}
if (!fs.existsSync(CHROMIUM)) {
  throw new Error(`${CHROMIUM} is missing; install Debian's chromium (\`make test\` does it)`);
}
const BINARY = process.env.LINKGATE_BINARY;
if (!BINARY || !fs.existsSync(BINARY)) {
  throw new Error('LINKGATE_BINARY must name the built linkgate binary (CTest sets it)');
}

// Flags this machine needs: without the background-networking ones Chromium's own connections
// are refused here and it stalls; no sandbox because the suite may run as root.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// The log-secrecy check: every token, one-time code, cookie value, CSRF token and secret the suite
// handles is remembered (value -> what it is), every server's whole output (stdout and stderr,
// at LINKGATE_LOG_LEVEL=debug) is kept, and the suite's last test searches each output for each
// value (log_leaks).
const handled = new Map();
const server_outputs = [];

// Values shorter than this are no secret (an empty cookie, a "1").
const SHORTEST_SECRET = 6;

export function remember(kind, value) {
  if (typeof value === 'string' && value.length >= SHORTEST_SECRET) handled.set(value, kind);
}

// The cookie named `name` holding `value` (as sent or set, maybe percent-encoded). The
// callback-url cookie holds only a URL of the site, which the server may well log.
function remember_cookie(name, value) {
  if (name.includes('callback-url')) return;
  const kind = name.includes('csrf-token') ? 'csrf token'
    : name.includes('session-token') ? 'session cookie' : `cookie ${name}`;
  remember(kind, value);
  let decoded = value;
  try { decoded = decodeURIComponent(value); } catch { /* kept as it came */ }
  remember(kind, decoded);
  // The CSRF cookie is "token|hash": the token alone is what the forms carry.
  for (const part of decoded.split('|')) remember(kind, part);
}

function remember_cookie_header(header) {
  for (const pair of header.split(/;\s*/)) {
    const eq = pair.indexOf('=');
    if (eq > 0) remember_cookie(pair.slice(0, eq), pair.slice(eq + 1));
  }
}

const SECRET_FIELDS = { token: 'link token', code: 'one-time code', csrfToken: 'csrf token' };

function remember_fields(params) {
  for (const [name, kind] of Object.entries(SECRET_FIELDS)) {
    for (const value of params.getAll(name)) remember(kind, value);
  }
}

// A URL the browser (or the suite) opened: its token and code query parameters.
export function remember_url(url) {
  try { remember_fields(new URL(url).searchParams); } catch { /* not a URL */ }
}

// Every place `value` (or its percent-encoded form) occurs in `text`; a value of digits only (a
// one-time code) counts only where no digit is next to it.
function occurrences(text, value) {
  const forms = new Set([value, encodeURIComponent(value)]);
  const found = [];
  for (const form of forms) {
    const escaped = form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = /^\d+$/.test(form) ? new RegExp(`(?<!\\d)${escaped}(?!\\d)`, 'g')
      : new RegExp(escaped, 'g');
    for (const match of text.matchAll(pattern)) found.push(match.index);
  }
  return found;
}

// What the suite handled, by kind: { 'link token': 3, ... }.
export function handled_kinds() {
  const kinds = {};
  for (const kind of handled.values()) kinds[kind] = (kinds[kind] ?? 0) + 1;
  return kinds;
}

// The outputs of every server started so far (each a string).
export function server_logs() {
  return server_outputs.map((output) => output.text());
}

// Each handled value found in a server's output: "<kind> in server N: …<the line>…".
export function log_leaks() {
  const leaks = [];
  server_outputs.forEach((output, index) => {
    const text = output.text();
    for (const [value, kind] of handled) {
      for (const at of occurrences(text, value)) {
        const start = text.lastIndexOf('\n', at) + 1;
        const end = text.indexOf('\n', at);
        leaks.push(`${kind} in server ${index} (${output.env}): ${
          text.slice(start, end === -1 ? undefined : end).slice(0, 300)}`);
      }
    }
  });
  return leaks;
}

// Starts `linkgate serve` on PORT=0 with its own SQLite file and secret; resolves once it prints
// "linkgate listening on http://127.0.0.1:PORT". It logs at the debug level, so that the
// log-secrecy check sees every line linkgate can write.
export async function start_server(env = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linkgate-e2e-'));
  const secret = randomBytes(32).toString('hex');
  remember('AUTH_SECRET', secret);
  const child = spawn(BINARY, ['serve'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      PORT: '0',
      DATABASE_URL: `sqlite://${dir}/linkgate.db`,
      AUTH_SECRET: secret,
      LINKGATE_LOG_LEVEL: 'debug',
      ...env,
    },
  });
  let logs = '';
  let out = '';
  child.stderr.on('data', (chunk) => { logs += chunk; });
  child.stdout.on('data', (chunk) => { out += chunk; });
  server_outputs.push({ env: JSON.stringify(env), text: () => out + logs });
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`linkgate did not start:\n${logs}`)), 20000);
    child.stdout.on('data', () => {
      const match = out.match(/linkgate listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`linkgate exited with ${code}:\n${logs}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    origin,
    logs: () => logs,
    async stop() {
      if (child.exitCode === null) {
        // 'close': the process ended and its output was read to the end.
        const exited = new Promise((resolve) => child.once('close', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A browser with a fresh profile directory; `options` are Playwright context options
// (viewport, colorScheme, javaScriptEnabled). Close it with close_browser.
export async function open_browser(options = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'linkgate-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  context.setDefaultTimeout(15000);
  // Every value the browser handles, for the log-secrecy check: the token, code and CSRF token
  // of each URL and form it sends, the cookies it sends and those set on it.
  const reading = [];
  context.on('request', (request) => {
    remember_url(request.url());
    const body = request.postData();
    if (body) remember_fields(new URLSearchParams(body));
    reading.push(request.allHeaders().then((headers) => {
      if (headers.cookie) remember_cookie_header(headers.cookie);
    }, () => {}));
  });
  context.on('response', (response) => {
    reading.push(response.headersArray().then((headers) => {
      for (const { name, value } of headers) {
        if (name.toLowerCase() === 'set-cookie') remember_cookie_header(value.split(';')[0]);
      }
    }, () => {}));
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, profile, reading };
}

export async function close_browser({ context, profile, reading }) {
  for (const cookie of await context.cookies()) remember_cookie(cookie.name, cookie.value);
  // A header that can no longer be read (its page closed) was also seen by cookies() above or
  // by the request that sent it.
  await Promise.all(reading);
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}

export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

// The newest sign-in link in the dev outbox.
export async function newest_link(origin) {
  const messages = await (await fetch(`${origin}/dev/outbox.json`)).json();
  if (messages.length === 0) throw new Error('the outbox is empty');
  remember_url(messages[0].url);
  return messages[0].url;
}

// Runs in the page (needs JavaScript on). Returns a list of problems: text below WCAG AA
// contrast against its effective background (4.5:1, or 3:1 for large text: >= 24px, or >= 18.66px
// bold), and a page wider than the viewport.
export function page_problems() {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const channel = (v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const luminance = ({ r, g, b }) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const problems = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.getClientRects().length === 0) continue;
    const style = getComputedStyle(el);
    const fg = luminance(parse(style.color));
    const bg = luminance(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66);
    const needed = large ? 3 : 4.5;
    if (ratio < needed) {
      problems.push(`contrast ${ratio.toFixed(2)} < ${needed}: <${el.tagName.toLowerCase()}> ` +
        `"${el.textContent.trim().slice(0, 40)}"`);
    }
  }
  // Text that runs out of its card (a long address on a phone) is clipped or overlaps.
  for (const card of document.querySelectorAll('.card')) {
    const box = card.getBoundingClientRect();
    for (const el of card.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > box.right + 0.5 || r.left < box.left - 0.5)) {
        problems.push(`outside its card: <${el.tagName.toLowerCase()}> ` +
          `"${el.textContent.trim().slice(0, 40)}"`);
      }
    }
  }
  const root = document.scrollingElement;
  if (root.scrollWidth > root.clientWidth) {
    problems.push(`wider than the viewport: ${root.scrollWidth} > ${root.clientWidth}`);
  }
  if (document.documentElement.lang !== 'en') problems.push('no lang="en"');
  if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one <h1>');
  for (const input of document.querySelectorAll('input:not([type=hidden])')) {
    if (input.labels.length === 0) problems.push(`input #${input.id} has no label`);
  }
  return problems;
}

// Runs in the page: how the focused element shows its focus.
export function focus_ring() {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    text: el.textContent.trim(),
    id: el.id,
    outline: `${style.outlineStyle} ${parseFloat(style.outlineWidth)}`,
  };
}
