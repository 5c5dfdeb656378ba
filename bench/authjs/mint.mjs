// Mints an Auth.js session JWT (the `authjs.session-token` cookie over http) with @auth/core's
// own encode, for the benchmark's JWT cases: linkgate and Auth.js both accept it.
//
//   node mint.mjs SECRET [SUB] [EMAIL]     prints the cookie value
import { encode } from "@auth/core/jwt";

const [secret, sub = "1", email = "bench@bench.example"] = process.argv.slice(2);
if (!secret) {
  console.error("usage: node mint.mjs SECRET [SUB] [EMAIL]");
  process.exit(2);
}
const token = await encode({
  token: { name: null, email, picture: null, sub },
  secret,
  salt: "authjs.session-token",
  maxAge: 30 * 24 * 3600,
});
process.stdout.write(token + "\n");
