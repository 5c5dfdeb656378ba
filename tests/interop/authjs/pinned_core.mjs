// The @auth/core that package.json pins, for the interop scripts (check_jwt.mjs,
// answer_requests.mjs): loading it refuses a node_modules that is absent or holds another version,
// so a test never runs against an Auth.js other than the pinned one.
//
// Exit statuses shared by the scripts: 2 bad usage or request; 3 dependencies missing or not
// the pinned version.

import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";

const here = new URL(".", import.meta.url);
const fixDeps = "run `make interop-deps` (npm ci in tests/interop/authjs)";

// Node 18 (Debian's nodejs) has no global Web Crypto without a flag; Auth.js and jose need it.
globalThis.crypto ??= webcrypto;

export function die(script, status, message) {
  process.stderr.write(`${script}: ${message}\n`);
  process.exit(status);
}

// Imports `@auth/core<subpath>` (e.g. "/jwt") after checking that the installed version is the
// pinned one; returns { version, module }. Exits with status 3 otherwise.
export async function importPinned(script, subpath) {
  let pinned;
  let installed;
  try {
    pinned = JSON.parse(readFileSync(new URL("package.json", here), "utf8")).dependencies[
      "@auth/core"
    ];
  } catch (e) {
    die(script, 2, `cannot read package.json: ${e.message}`);
  }
  try {
    installed = JSON.parse(
      readFileSync(new URL("node_modules/@auth/core/package.json", here), "utf8"),
    ).version;
  } catch {
    die(script, 3, `@auth/core is not installed: ${fixDeps}`);
  }
  if (installed !== pinned) {
    die(script, 3, `@auth/core ${installed} is installed but package.json pins ${pinned}: ${fixDeps}`);
  }
  try {
    return { version: installed, module: await import(`@auth/core${subpath}`) };
  } catch (e) {
    die(script, 3, `cannot load @auth/core${subpath} (${e.message}): ${fixDeps}`);
  }
}

// The JSON request file named on the command line.
export function readRequest(script) {
  if (process.argv.length !== 3) die(script, 2, `usage: node ${script}.mjs REQUEST.json`);
  try {
    return JSON.parse(readFileSync(process.argv[2], "utf8"));
  } catch (e) {
    die(script, 2, `cannot read request ${process.argv[2]}: ${e.message}`);
  }
}
