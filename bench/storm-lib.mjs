// Shared pieces of the webhook storm benchmarks: alert bodies, child servers, one autocannon run.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

/** Bearer token every storm server is configured with. */
export const TOKEN = "storm-bench-token-0123456789";

/**
 * The i-th Alertmanager notification: 10 alerts, incident fingerprints cycling over 100. `distinct`: every
 * alert is a new one to Alertmanager too (its own fingerprint), so none is dropped as a resend: each costs a
 * write, as a storm of many alerts on a few errors does.
 */
export function stormBody(i, distinct = false) {
  const startsAt = new Date(Date.now() - 1000).toISOString();
  const alerts = Array.from({ length: 10 }, (_, j) => {
    const fp = (i * 10 + j) % 100;
    return {
      status: "firing",
      labels: {
        alertname: "ServerErrorLogged",
        error_code: `STORM_${fp}`,
        target: `server::storm::m${fp}`,
        severity: "error",
      },
      annotations: { summary: `storm error ${fp}`, description: "ERROR lines in the last minute" },
      startsAt,
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://loki:3100/graph",
      fingerprint: (distinct ? i * 10 + j : fp).toString(16).padStart(16, "0"),
    };
  });
  return JSON.stringify({
    receiver: "ai",
    status: "firing",
    alerts,
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://alertmanager:9093",
    version: "4",
    groupKey: `{}:{storm="${i}"}`,
    truncatedAlerts: 0,
  });
}

/** Start a node child process and resolve with the URL it announces (matched by `pattern`). */
export function startChild(args, pattern, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let out = "";
    let found = false;
    const onData = (d) => {
      // Once the URL is known, stop collecting: the output of a long run would cost this (the client) process.
      if (found) return;
      out += d;
      const match = pattern.exec(out);
      if (match) {
        found = true;
        resolve({ child, url: match[1] });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

/** Pattern of ai-monitor's "serving" log line. */
export const SERVING = /"url":"([^"]+)"[^\n]*ai-monitor serving/;

/** POST `amount` bodies to `url` over `connections`; adds `rps` measured from the first request to the last answer. */
export async function storm(url, bodies, amount, connections) {
  let next = 0;
  let lastAnswerMs = 0;
  const startMs = Date.now();
  const result = await new Promise((resolve, reject) => {
    const run = autocannon(
      {
        url: `${url}/webhook/alertmanager`,
        connections,
        amount,
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
        requests: [{ setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }) }],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    run.on("response", () => {
      lastAnswerMs = Date.now();
    });
  });
  // autocannon ends a run (and stamps its finish) at its next one-second sample, so a run of 2.1 s reads as 3 s:
  // the time of the last answer is the run's real end.
  const seconds = (lastAnswerMs - startMs) / 1000;
  return { ...result, rps: result.requests.total / seconds };
}

/** One result line. */
export function formatRun(name, r) {
  return `${name.padEnd(22)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${String(r.latency.p50).padStart(4)} ms  p99 ${String(r.latency.p99).padStart(4)} ms  non-2xx ${r.non2xx}  errors ${r.errors}`;
}

/** CPU time (user + system) a live process has used so far, in ms; 0 when it is gone. */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in ticks.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
/** USER_HZ: 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;
