// Auth.js side of the session-JWT interop test (tests/interop/authjs_interop_test.cpp).
//
// Usage: node check_jwt.mjs REQUEST.json
//
// REQUEST.json:
//   {
//     "decode": [ { "name": str, "token": str, "secret": str | [str], "salt": str,
//                   "expect": {claims} | null } ],
//     "encode": [ { "name": str, "secret": str | [str], "salt": str, "maxAge": int,
//                   "token": {claims} } ]
//   }
//
// For each "decode" entry the token is decoded with @auth/core/jwt's decode({token, secret, salt}).
// With "expect": {...} the decode must succeed and the payload must hold exactly the expected
// claims (deep equality) plus a "jti" that is a UUID; with "expect": null the decode must fail
// (throw or return null). For each "encode" entry a token is minted with @auth/core/jwt's encode.
//
// Prints one JSON object on stdout:
//   { "authjs": "<installed @auth/core version>",
//     "decoded": [ { "name", "payload" | null } ], "encoded": [ { "name", "token" } ] }
// and diagnostics on stderr. Exit status: 0 every check passed; 1 some check failed;
// 2 bad usage or request; 3 dependencies missing or not the pinned version.

import { isDeepStrictEqual } from "node:util";

import { die, importPinned, readRequest } from "./pinned_core.mjs";

const script = "check_jwt";
const { version: installed, module: jwt } = await importPinned(script, "/jwt");
const request = readRequest(script);
const decodes = request.decode ?? [];
const encodes = request.encode ?? [];
if (!Array.isArray(decodes) || !Array.isArray(encodes)) {
  die(script, 2, "request.decode and request.encode must be arrays");
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const failures = [];
const result = { authjs: installed, decoded: [], encoded: [] };

for (const { name, token, secret, salt, expect } of decodes) {
  let payload = null;
  let error = null;
  try {
    payload = await jwt.decode({ token, secret, salt });
  } catch (e) {
    error = e;
  }
  result.decoded.push({ name, payload });
  if (expect === null) {
    if (payload !== null) failures.push(`${name}: decoded but must not: ${JSON.stringify(payload)}`);
    continue;
  }
  if (payload === null) {
    failures.push(`${name}: Auth.js could not decode: ${error ? error.message : "null"}`);
    continue;
  }
  const { jti, ...rest } = payload;
  if (typeof jti !== "string" || !uuid.test(jti)) {
    failures.push(`${name}: jti is not a UUID: ${JSON.stringify(jti)}`);
  }
  if (!isDeepStrictEqual(rest, expect)) {
    failures.push(
      `${name}: claims differ\n  expected ${JSON.stringify(expect)}\n  decoded  ${JSON.stringify(rest)}`,
    );
  }
}

for (const { name, secret, salt, maxAge, token } of encodes) {
  try {
    result.encoded.push({ name, token: await jwt.encode({ token, secret, salt, maxAge }) });
  } catch (e) {
    failures.push(`${name}: Auth.js could not encode: ${e.message}`);
  }
}

process.stdout.write(`${JSON.stringify(result)}\n`);
for (const failure of failures) process.stderr.write(`check_jwt: FAIL ${failure}\n`);
process.exit(failures.length === 0 ? 0 : 1);
