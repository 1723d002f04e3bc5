import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runIncidents } from "../src/commands/incidents.js";
import { configSchema } from "../src/config/schema.js";
import type { Delivery } from "../src/domain/types.js";
import { silentLogger } from "../src/log.js";
import { formatDeliveries, formatIncidentTable } from "../src/report/incident-table.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { makeIncident } from "./helpers/dispatch-incident.js";

const delivery = (sink: string, state: Delivery["state"], remoteRef: string | null = null): Delivery => ({
  sink,
  state,
  attempts: 1,
  remoteRef,
  lastError: state === "failed" ? "refused" : null,
  updatedAt: 0,
});

/** The cells of a table line, split on the two-space gaps the table pads with. */
const cells = (line: string | undefined) => line?.split(/ {2,}/) ?? [];

describe("ai-monitor incidents table", () => {
  it("summarises each incident's deliveries before the message", () => {
    const table = formatIncidentTable([
      makeIncident({
        id: "12",
        deliveries: [
          delivery("console", "sent", "console"),
          delivery("discord", "sent", "1187000000000000042"),
          delivery("github", "sent", "https://github.com/acme/server/issues/12"),
          delivery("autofix", "failed"),
        ],
      }),
      makeIncident({
        id: "11",
        severity: "medium",
        message: "Database pool exhausted",
        deliveries: [delivery("discord", "pending"), delivery("github", "sending")],
      }),
      makeIncident({ id: "10", deliveries: [] }),
    ]);
    const lines = table.trimEnd().split("\n");
    expect(cells(lines[0])).toEqual([
      "ID",
      "SEVERITY",
      "STATUS",
      "COUNT",
      "LAST SEEN",
      "CODE",
      "TARGET",
      "DELIVERIES",
      "MESSAGE",
    ]);
    expect(cells(lines[1]).slice(-2)).toEqual([
      "console✓ discord✓ github#12 autofix✗",
      "Claude API timeout after 30000ms",
    ]);
    expect(cells(lines[2]).slice(-2)).toEqual(["discord… github…", "Database pool exhausted"]);
    expect(cells(lines[3]).slice(-2)).toEqual(["-", "Claude API timeout after 30000ms"]);
    // Columns line up: every message starts where the MESSAGE header does.
    const column = lines[0]!.indexOf("MESSAGE");
    for (const line of lines.slice(1)) expect(line.lastIndexOf(cells(line).at(-1)!)).toBe(column);
  });

  it("shows PR numbers, ticks for references that are not links, and only the unsent resolution notices", () => {
    expect(
      formatDeliveries([
        delivery("discord", "sent", "1187000000000000042"),
        delivery("github", "sent", "acme/server#3"),
        delivery("autofix", "sent", "https://github.com/acme/server/pull/13"),
        delivery("discord:resolved", "sent", "1187000000000000042"),
        delivery("github:resolved", "failed"),
      ]),
    ).toBe("discord✓ github✓ autofix#13 github:resolved✗");
    expect(formatDeliveries([delivery("autofix", "sent", null)])).toBe("autofix✓"); // a dry run opens no PR
  });

  it("prints the table from the store, and says so when there is nothing yet", async () => {
    const sqlitePath = join(mkdtempSync(join(tmpdir(), "ai-monitor-incidents-")), "db.sqlite");
    const config = configSchema.parse({ store: { sqlitePath } });
    let text = "";
    const io = {
      log: silentLogger(),
      write: (t: string) => {
        text += t;
      },
    };
    // No database yet: said, and none is created.
    await expect(runIncidents(config, { json: false, limit: 10 }, io)).rejects.toThrow(
      `no database at ${sqlitePath}`,
    );
    expect(existsSync(sqlitePath)).toBe(false);

    const store = createSqliteStore({ path: sqlitePath });
    await store.init();
    await runIncidents(config, { json: false, limit: 10 }, io);
    expect(text).toBe("no incidents yet\n");
    const t = Date.parse("2026-11-26T09:15:00Z");
    const [outcome] = await store.ingest(
      [
        {
          fingerprint: "AI_003:server::ai",
          errorCode: "AI_003",
          target: "server::ai",
          level: "ERROR",
          message: "Claude API timeout after 30000ms",
          timestampMs: t,
          requestId: null,
          fields: {},
          source: "file",
          count: 1,
        },
      ],
      { windowMs: 300_000, maxAgeMs: 3_600_000, now: t },
    );
    const id = outcome?.kind === "new" ? outcome.incidentId : "";
    await store.ensureDeliveries(id, ["discord", "github"], t);
    await store.updateDelivery(id, "discord", { state: "sent", remoteRef: "1187" }, t);
    const issue = "https://github.com/acme/server/issues/7";
    await store.updateDelivery(id, "github", { state: "sent", remoteRef: issue }, t);
    await store.close();

    text = "";
    await runIncidents(config, { json: false, limit: 10 }, io);
    expect(cells(text.split("\n")[1]).slice(-2)).toEqual([
      "discord✓ github#7",
      "Claude API timeout after 30000ms",
    ]);
  });
});
