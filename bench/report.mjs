// Writes the markdown report of a bench/run.sh run (stdout) from its results (JSON lines).
//   node report.mjs load|scale|nodes RESULTS.jsonl LINKGATE_BINARY PG_URL
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import os from "node:os";

const [mode, resultsFile, linkgate, pgUrl] = process.argv.slice(2);
const rows = readFileSync(resultsFile, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
};
const pkg = (name) => {
  try {
    const url = new URL(`./authjs/node_modules/${name}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(url, "utf8")).version;
  } catch {
    return "unknown";
  }
};
const env = process.env;
const rps = (r) => (r?.ok ? r.wrk.requests / (r.wrk.duration_us / 1e6) : NaN);
const ms = (us) => (us / 1000).toFixed(2);
const mib = (kb) => (kb / 1024).toFixed(1);
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
// CPU time per request over the measured run (/proc/<pid>/stat, user + system): the server
// process alone, and the PostgreSQL cluster's processes. Less sensitive than req/s to what else
// the machine runs, since it counts only the time the processes were actually on a CPU.
const cpuPerReq = (r) => (r?.ok && r.cpu_s !== undefined ? (1e6 * r.cpu_s) / r.wrk.requests : NaN);
const pgPerReq = (r) => (r?.ok && r.pg_cpu_s !== undefined ? (1e6 * r.pg_cpu_s) / r.wrk.requests : NaN);
const totalPerReq = (r) => cpuPerReq(r) + (["2p", "2pv", "4", "5"].includes(r?.case) ? pgPerReq(r) : 0);
const cpuRatio = (c) => totalPerReq(find(c, "authjs")) / totalPerReq(find(c, "linkgate"));
const find = (c, server, label = "-") =>
  rows.find((r) => r.case === c && r.server === server && r.label === label);

const names = {
  hello: "hello-world floor (Beast, GET /)",
  1: "1. GET /session, JWT cookie",
  "2s": "2. GET /session, database session (SQLite)",
  "2p": "2. GET /session, database session (PostgreSQL)",
  "1v": "1v. GET /verify, JWT cookie",
  "2sv": "2v. GET /verify, database session (SQLite)",
  "2pv": "2v. GET /verify, database session (PostgreSQL)",
  3: "3. GET /csrf, valid CSRF cookie",
  4: "4. POST /signin/postmark, distinct emails (PostgreSQL)",
  5: "5. GET /callback/postmark, distinct tokens (PostgreSQL)",
};

const out = [];
const cpu = os.cpus();
const load = os.loadavg().map((x) => x.toFixed(2)).join(", ");
out.push({ load: "# linkgate vs Auth.js: load benchmark", scale: "# linkgate: cost against the size of the data",
  nodes: "# linkgate: one and two nodes on one PostgreSQL, directly and through PgBouncer" }[mode]);
out.push("");
out.push(`- Date: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`);
out.push(`- Machine: ${cpu[0]?.model ?? "unknown"}, ${cpu.length} CPUs, ` +
  `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${os.release()}; load average at the end ${load}`);
out.push(`- linkgate: ${sh(linkgate, ["version"])} (${sh("git", ["-C", new URL("..", import.meta.url).pathname, "rev-parse", "--short", "HEAD"])}), Release build`);
if (mode === "load") {
  out.push(`- Auth.js: @auth/core ${pkg("@auth/core")}, @auth/express ${pkg("@auth/express")}, ` +
  `@auth/pg-adapter ${pkg("@auth/pg-adapter")}, express ${pkg("express")}, pg ${pkg("pg")}, Node ${process.version} (one process)`);
}
out.push(`- PostgreSQL: ${sh("psql", [pgUrl, "-qAt", "-c", "SHOW server_version"])} (private cluster, fsync off, synchronous_commit ${sh("psql", [pgUrl, "-qAt", "-c", "SHOW synchronous_commit"])}), ` +
  `${sh("wrk", ["-v"]).split("\n")[0].split(" [")[0]}`);
out.push(`- Load: wrk, ${mode === "nodes" ? "one thread per node" : `${env.BENCH_WRK_THREADS} threads`}, ${env.BENCH_CONNECTIONS} keep-alive connections, ` +
  `${env.BENCH_WARMUP} s warm-up then ${env.BENCH_DURATION} s measured, on loopback; every server and wrk share the same cores`);
out.push("");

if (mode === "load") {
  // The floor: the better of the two hello-world runs (first and last of the run).
  const hello = Math.max(...rows.filter((r) => r.case === "hello").map(rps).filter(Number.isFinite));
  out.push("| case | server | req/s | p50 ms | p99 ms | idle RSS MiB | peak RSS MiB | RSS after MiB | server CPU µs/req | PostgreSQL CPU µs/req | linkgate / Auth.js (req/s) | linkgate / hello (req/s) | Auth.js / linkgate (server + PostgreSQL CPU per request) |");
  out.push("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const c of ["hello", "1", "1v", "2s", "2sv", "2p", "2pv", "3", "4", "5"]) {
    const servers = c === "hello" ? [["hello", "-"], ["hello", "end"]] : [["linkgate", "-"], ["authjs", "-"]];
    for (const [server, label] of servers) {
      const r = find(c, server, label);
      if (!r) continue;
      const lg = rps(find(c, "linkgate")), aj = rps(find(c, "authjs"));
      const serverName = { hello: "Beast hello", linkgate: "linkgate", authjs: "Auth.js" }[server] +
        (server === "hello" ? (label === "end" ? " (end of run)" : " (start of run)") : "");
      const bad = r.ok && (r.wrk.bad || r.wrk.errors.status || r.wrk.errors.timeout)
        ? ` (${r.wrk.bad} bad, ${r.wrk.errors.status} error statuses, ${r.wrk.errors.timeout} timeouts)` : "";
      out.push(`| ${names[c]} | ${serverName}${r.ok ? "" : ` FAILED: ${r.note}`}${bad} | ${fmt(rps(r))} | ` +
        `${r.ok ? ms(r.wrk.p50_us) : "n/a"} | ${r.ok ? ms(r.wrk.p99_us) : "n/a"} | ${mib(r.idle_kb)} | ${mib(r.peak_kb)} | ` +
        `${r.after_kb ? mib(r.after_kb) : "n/a"} | ${fmt(cpuPerReq(r))} | ${["hello", "1", "1v", "3", "2s", "2sv"].includes(c) ? "" : fmt(pgPerReq(r))} | ` +
        `${server === "linkgate" ? fmt(lg / aj, 1) + (Number.isFinite(lg / aj) ? "×" : "") : ""} | ` +
        `${server === "linkgate" ? fmt((100 * lg) / hello, 0) + " %" : ""} | ` +
        `${server === "linkgate" ? fmt(cpuRatio(c), 1) + (Number.isFinite(cpuRatio(c)) ? "×" : "") : ""} |`);
    }
  }
  const r4 = find("4", "linkgate"), a4 = find("4", "authjs");
  out.push("");
  out.push(`Emails the fake Postmark API accepted during case 4's measured run: linkgate ${r4?.emails ?? "n/a"} ` +
    `for ${r4?.wrk?.requests ?? "n/a"} sign-ins, Auth.js ${a4?.emails ?? "n/a"} for ${a4?.wrk?.requests ?? "n/a"}.`);
  out.push("");
  out.push("## Targets (issue 6)");
  out.push("");
  out.push("| target | measured | met |");
  out.push("|---|---|---|");
  const ratio = (c) => rps(find(c, "linkgate")) / rps(find(c, "authjs"));
  const yes = (b) => (b ? "yes" : "**no**");
  const t = (label, value, ok) => out.push(`| ${label} | ${value} | ${yes(ok)} |`);
  t("case 1 ≥ 60× Auth.js", `${fmt(ratio("1"), 1)}×`, ratio("1") >= 60);
  t("case 1 ≥ 60 % of hello-world", `${fmt((100 * rps(find("1", "linkgate"))) / hello, 0)} %`,
    rps(find("1", "linkgate")) >= 0.6 * hello);
  for (const [c, want] of [["2p", 10], ["3", 20], ["4", 10], ["5", 10]]) {
    t(`case ${c === "2p" ? "2 (PostgreSQL)" : c} ≥ ${want}× Auth.js`, `${fmt(ratio(c), 1)}×`, ratio(c) >= want);
  }
  out.push("");
  out.push("The same ratios by CPU time per request (server + PostgreSQL), which the other work on a shared machine disturbs less:");
  out.push("");
  out.push("| target | CPU ratio Auth.js / linkgate | met |");
  out.push("|---|---|---|");
  for (const [c, want] of [["1", 60], ["2p", 10], ["3", 20], ["4", 10], ["5", 10]]) {
    out.push(`| case ${c === "2p" ? "2 (PostgreSQL)" : c} ≥ ${want}× | ${fmt(cpuRatio(c), 1)}× | ${yes(cpuRatio(c) >= want)} |`);
  }
  const helloRow = rows.filter((r) => r.case === "hello").map(cpuPerReq).filter(Number.isFinite);
  const helloCpu = Math.min(...helloRow);
  out.push(`| case 1 ≥ 60 % of hello-world | hello ${fmt(helloCpu)} µs / linkgate ${fmt(cpuPerReq(find("1", "linkgate")))} µs = ` +
    `${fmt((100 * helloCpu) / cpuPerReq(find("1", "linkgate")), 0)} % | ${yes(helloCpu / cpuPerReq(find("1", "linkgate")) >= 0.6)} |`);
  out.push("");
  out.push("/verify (issue 17) beside /session, same cookie, same run:");
  out.push("");
  out.push("| target | /verify req/s / /session req/s | CPU per request /session / /verify | met (req/s) |");
  out.push("|---|---|---|---|");
  for (const [v, s] of [["1v", "1"], ["2sv", "2s"], ["2pv", "2p"]]) {
    const rv = find(v, "linkgate"), rs = find(s, "linkgate");
    if (!rv && !rs) continue;
    const share = rps(rv) / rps(rs);
    out.push(`| ${names[v]} within 10 % of ${names[s]} | ${fmt(100 * share, 1)} % | ` +
      `${fmt((100 * totalPerReq(rs)) / totalPerReq(rv), 1)} % | ${yes(share >= 0.9)} |`);
  }
  out.push("");
  out.push("| target | measured | met |");
  out.push("|---|---|---|");
  for (const c of ["1", "3"]) {
    const r = find(c, "linkgate");
    t(`case ${c} p99 ≤ 5 ms`, r?.ok ? `${ms(r.wrk.p99_us)} ms` : "n/a", r?.ok && r.wrk.p99_us <= 5000);
  }
  const lgRows = rows.filter((r) => r.server === "linkgate");
  const peak = Math.max(...lgRows.map((r) => r.peak_kb));
  const idle = Math.max(...lgRows.map((r) => r.idle_kb));
  t("linkgate peak RSS ≤ 40 MiB in every case", `${mib(peak)} MiB (highest)`, peak <= 40 * 1024);
  t("linkgate idle RSS ≤ 15 MiB", `${mib(idle)} MiB (highest)`, idle <= 15 * 1024);
  const after = Math.max(...lgRows.map((r) => r.after_kb || 0));
  out.push("");
  out.push(`Idle RSS is read 1 s after a server starts, before its case. Idle again 1 s after the load ` +
    `(not a target; the libraries the requests loaded and the heap the load kept): ${mib(after)} MiB at most.`);
} else if (mode === "nodes") {
  out.push(`- PgBouncer: ${sh("/usr/sbin/pgbouncer", ["--version"]).split("\n")[0]}, transaction pooling, ` +
    "linkgate with DATABASE_PREPARED_STATEMENTS=false behind it; each node has the default pool (DATABASE_POOL_SIZE 16)");
  out.push("- With two nodes, one wrk per node (one thread, half the connections each) at once; req/s is their sum, p50/p99 the worse node's.");
  out.push("");
  out.push("On this machine every node, PostgreSQL, PgBouncer and wrk share the same two cores, so a second node " +
    "adds no CPU: these rows check what a second node and PgBouncer cost, not how linkgate scales out.");
  out.push("");
  out.push("| case | path to PostgreSQL | nodes | req/s | p50 ms | p99 ms | bad answers | vs 1 node direct |");
  out.push("|---|---|---:|---:|---:|---:|---:|---:|");
  for (const c of ["4", "5"]) {
    const base = rows.find((r) => r.case === c && r.label === "direct" && r.nodes === 1);
    for (const label of ["direct", "pgbouncer"]) {
      for (const n of [1, 2]) {
        const r = rows.find((x) => x.case === c && x.label === label && x.nodes === n);
        if (!r) continue;
        out.push(`| ${names[c]} | ${label === "direct" ? "direct" : "PgBouncer"}${r.ok ? "" : ` FAILED: ${r.note}`} | ${n} | ` +
          `${r.ok ? fmt(r.rps) : "n/a"} | ${r.ok ? ms(r.p50_us) : "n/a"} | ${r.ok ? ms(r.p99_us) : "n/a"} | ` +
          `${r.ok ? r.bad : "n/a"} | ${r.ok && base?.ok ? fmt((100 * r.rps) / base.rps) + " %" : "n/a"} |`);
      }
    }
  }
} else {
  out.push(`Rows loaded for "scaled": ${env.BENCH_SCALE_ROWS} users, sessions and outstanding verification tokens (generate_series), then VACUUM ANALYZE.`);
  out.push("");
  out.push("| case | database | req/s | p50 ms | p99 ms | peak RSS MiB | linkgate CPU µs/req | PostgreSQL CPU µs/req | empty / scaled req/s | scaled / empty CPU per request | within 1.5× |");
  out.push("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const c of ["2p", "4", "5"]) {
    const e = find(c, "linkgate", "empty");
    for (const label of ["empty", "scaled"]) {
      const r = find(c, "linkgate", label);
      if (!r) continue;
      const slow = rps(e) / rps(r);
      const cpuGrowth = totalPerReq(r) / totalPerReq(e);
      out.push(`| ${names[c]} | ${label}${r.ok ? "" : ` FAILED: ${r.note}`} | ${fmt(rps(r))} | ` +
        `${r.ok ? ms(r.wrk.p50_us) : "n/a"} | ${r.ok ? ms(r.wrk.p99_us) : "n/a"} | ${mib(r.peak_kb)} | ` +
        `${fmt(cpuPerReq(r))} | ${fmt(pgPerReq(r))} | ` +
        `${label === "scaled" ? fmt(slow, 2) + "×" : ""} | ${label === "scaled" ? fmt(cpuGrowth, 2) + "×" : ""} | ` +
        `${label === "scaled" ? (slow <= 1.5 && !(cpuGrowth > 1.5) ? "yes" : "**no**") : ""} |`);
    }
  }
}
out.push("");
process.stdout.write(out.join("\n"));
