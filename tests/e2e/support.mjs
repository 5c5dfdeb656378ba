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

// Starts `linkgate serve` on PORT=0 with its own SQLite file and secret; resolves once it prints
// "linkgate listening on http://127.0.0.1:PORT".
export async function start_server(env = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linkgate-e2e-'));
  const child = spawn(BINARY, ['serve'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      PORT: '0',
      DATABASE_URL: `sqlite://${dir}/linkgate.db`,
      AUTH_SECRET: randomBytes(32).toString('hex'),
      LINKGATE_LOG_LEVEL: 'warn',
      ...env,
    },
  });
  let logs = '';
  child.stderr.on('data', (chunk) => { logs += chunk; });
  const origin = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`linkgate did not start:\n${logs}`)), 20000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
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
        const exited = new Promise((resolve) => child.once('exit', resolve));
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
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, profile };
}

export async function close_browser({ context, profile }) {
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
