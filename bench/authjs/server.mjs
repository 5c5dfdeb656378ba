// Auth.js, as the benchmark runs it beside linkgate (bench/run.sh): @auth/core 0.41.3 through
// @auth/express, the Postmark email provider and @auth/pg-adapter on the same PostgreSQL
// database as linkgate (the schemas are the same: linkgate's migration creates the adapter's
// tables). One Node process, as Auth.js is usually deployed.
//
// Environment: PORT, AUTH_SECRET, DATABASE_URL (postgres://...), AUTH_SESSION_STRATEGY
// (jwt | database), POSTMARK_API_URL (the local fake), DATABASE_POOL_SIZE (default 8, as
// linkgate's).
//
// The Postmark provider posts to the fixed https://api.postmarkapp.com/email with the global
// fetch; this process wraps the global fetch so that those requests go to POSTMARK_API_URL
// instead (nothing else of the provider changes: same body, headers and response check).
import express from "express";
import { ExpressAuth } from "@auth/express";
import Postmark from "@auth/core/providers/postmark";
import PostgresAdapter from "@auth/pg-adapter";
import pg from "pg";

const need = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`server.mjs: ${name} is not set`);
    process.exit(2);
  }
  return value;
};

const port = Number(process.env.PORT ?? 3100);
const postmarkApi = need("POSTMARK_API_URL").replace(/\/$/, "");
const realFetch = globalThis.fetch;
const postmarkOrigin = "https://api.postmarkapp.com";
globalThis.fetch = (input, init) => {
  if (typeof input === "string" && input.startsWith(postmarkOrigin)) {
    input = postmarkApi + input.slice(postmarkOrigin.length);
  }
  return realFetch(input, init);
};

const pool = new pg.Pool({
  connectionString: need("DATABASE_URL"),
  max: Number(process.env.DATABASE_POOL_SIZE ?? 8),
});

const config = {
  secret: need("AUTH_SECRET"),
  trustHost: true,
  adapter: PostgresAdapter(pool),
  session: { strategy: process.env.AUTH_SESSION_STRATEGY === "jwt" ? "jwt" : "database" },
  providers: [Postmark({ apiKey: "bench-postmark-key", from: "bench <no-reply@bench.example>" })],
  logger: { error: (e) => console.error(e), warn: () => {}, debug: () => {} },
};

const app = express();
app.set("trust proxy", true);
app.set("etag", false);
app.get("/healthz", (_req, res) => res.type("text/plain").send("ok\n"));
app.use("/api/auth/*", ExpressAuth(config));
app.listen(port, "127.0.0.1", () => console.log(`Auth.js bench server on 127.0.0.1:${port}`));
