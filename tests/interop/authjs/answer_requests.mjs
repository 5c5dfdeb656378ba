// Auth.js side of the HTTP exchange interop tests (tests/interop/authjs_session_post_test.cpp):
// sends requests to @auth/core's own Auth() handler and prints its answers, so that the C++
// test can put the same requests to linkgate and compare.
//
// Usage: node answer_requests.mjs REQUEST.json
//
// REQUEST.json:
//   {
//     "config": { "secret": str, "strategy": "jwt" | "database",
//                 "session": null | { "sessionToken": str, "expires": ISO-8601 str,
//                                     "user": { "id", "email", "name", "image" } } },
//     "requests": [ { "name": str, "method": str, "url": str, "headers": [[name, value]],
//                     "body": str | null } ]
//   }
//
// Auth.js runs with basePath "/api/auth", trustHost, the given secret, one email provider
// (id "resend", which sends nothing) and the given session strategy. Database mode uses an
// in-memory adapter that holds "session" (if given) and nothing else.
//
// Prints one JSON object on stdout:
//   { "authjs": "<installed @auth/core version>",
//     "answers": [ { "name", "status", "headers": [[lower-case name, value]], "body": str } ] }
// with every Set-Cookie as a header of its own. Auth.js's log goes to stderr.
// Exit status: 0 answered; 2 bad usage or request; 3 dependencies missing or not the pinned version.

import { die, importPinned, readRequest } from "./pinned_core.mjs";

const script = "answer_requests";
const { version, module: core } = await importPinned(script, "");
const { module: resendModule } = await importPinned(script, "/providers/resend");
const request = readRequest(script);
const { config: wanted, requests } = request;
if (!wanted || !Array.isArray(requests)) die(script, 2, "request.config and request.requests are required");

// Just enough of an adapter for email sign-in and database sessions, over maps.
function memoryAdapter(seed) {
  const users = new Map();
  const sessions = new Map();
  const tokens = new Map();
  if (seed) {
    users.set(seed.user.id, { emailVerified: null, ...seed.user });
    sessions.set(seed.sessionToken, {
      sessionToken: seed.sessionToken,
      userId: seed.user.id,
      expires: new Date(seed.expires),
    });
  }
  return {
    async createUser(user) {
      const created = { ...user, id: crypto.randomUUID() };
      users.set(created.id, created);
      return created;
    },
    async getUser(id) {
      return users.get(id) ?? null;
    },
    async getUserByEmail(email) {
      return [...users.values()].find((u) => u.email === email) ?? null;
    },
    async updateUser(user) {
      const updated = { ...users.get(user.id), ...user };
      users.set(user.id, updated);
      return updated;
    },
    async linkAccount(account) {
      return account;
    },
    async createSession(session) {
      sessions.set(session.sessionToken, session);
      return session;
    },
    async getSessionAndUser(sessionToken) {
      const session = sessions.get(sessionToken);
      if (!session) return null;
      return { session, user: users.get(session.userId) };
    },
    async updateSession(session) {
      const updated = { ...sessions.get(session.sessionToken), ...session };
      sessions.set(session.sessionToken, updated);
      return updated;
    },
    async deleteSession(sessionToken) {
      sessions.delete(sessionToken);
    },
    async createVerificationToken(token) {
      tokens.set(`${token.identifier}:${token.token}`, token);
      return token;
    },
    async useVerificationToken({ identifier, token }) {
      const key = `${identifier}:${token}`;
      const found = tokens.get(key) ?? null;
      tokens.delete(key);
      return found;
    },
  };
}

const config = {
  basePath: "/api/auth",
  trustHost: true,
  secret: wanted.secret,
  providers: [resendModule.default({ sendVerificationRequest: async () => {} })],
  session: { strategy: wanted.strategy },
  adapter: memoryAdapter(wanted.session),
  logger: {
    error: (e) => process.stderr.write(`${script}: Auth.js error: ${e?.name ?? ""} ${e?.message ?? e}\n`),
    warn: (code) => process.stderr.write(`${script}: Auth.js warning: ${code}\n`),
    debug: () => {},
  },
};

const answers = [];
for (const { name, method, url, headers, body } of requests) {
  const init = { method, headers: new Headers(headers ?? []) };
  if (body !== null && body !== undefined) init.body = body;
  const response = await core.Auth(new Request(url, init), config);
  const out = [];
  for (const [key, value] of response.headers) {
    if (key !== "set-cookie") out.push([key, value]);
  }
  for (const cookie of response.headers.getSetCookie()) out.push(["set-cookie", cookie]);
  answers.push({ name, status: response.status, headers: out, body: await response.text() });
}

process.stdout.write(`${JSON.stringify({ authjs: version, answers })}\n`);
