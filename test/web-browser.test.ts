/**
 * The incidents page in a real browser: Debian's Chromium driven by playwright-core (no browser download)
 * logs in, filters the list, opens an incident, gives a verdict, acknowledges and resolves it, against a
 * real HTTP server on SQLite. Screenshots (desktop and phone) go to test/output/web-browser/ (printed).
 * Skips with the reason where no Chromium is installed; fails instead when CI=true (.ci/run installs it).
 */
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { serve } from "@hono/node-server";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../src/config/schema.js";
import type { Signal } from "../src/domain/types.js";
import { createApp } from "../src/http/app.js";
import { silentLogger } from "../src/log.js";
import { createMetrics } from "../src/metrics.js";
import { createIntake } from "../src/pipeline/intake.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { makeDiagnosis } from "./helpers/incident.js";
import { closeServer } from "./helpers/local-server.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const TOKEN = "browser-test-token-0123456789";
const OUTPUT = path.resolve("test/output/web-browser");
/** The flags Debian's Chromium needs headless in a container, and none of its background traffic. */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

if (!HAVE_CHROMIUM) {
  const reason = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI === "true") throw new Error(`web browser test: ${reason}; CI must have it (.ci/run)`);
  console.warn(`skipping the web browser test: ${reason}`);
}

const signal = (i: number, patch: Partial<Signal>): Signal => ({
  fingerprint: `E_${i}:server::x`,
  errorCode: `E_${i}`,
  target: "server::domain::ai::service",
  level: "ERROR",
  message: `error ${i}`,
  timestampMs: Date.now() - 60_000,
  requestId: `req_${i}`,
  fields: {},
  source: "file",
  count: 1,
  ...patch,
});

describe.skipIf(!HAVE_CHROMIUM)("incidents page in Chromium", () => {
  let dir: string;
  let profile: string;
  let store: Store;
  let server: Server;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  const ids: string[] = [];

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "ai-monitor-browser-"));
    profile = await fs.mkdtemp(path.join(os.tmpdir(), "ai-monitor-chromium-"));
    await fs.rm(OUTPUT, { recursive: true, force: true });
    await fs.mkdir(OUTPUT, { recursive: true });
    console.log(`web browser test: screenshots in ${OUTPUT}`);
    store = createSqliteStore({ path: path.join(dir, "db.sqlite") });
    await store.init();
    const now = Date.now();
    const outcomes = await store.ingest(
      [
        signal(1, {
          errorCode: "DB_POOL",
          fingerprint: "DB_POOL:server::db",
          message: "pool timed out after 5000ms",
        }),
        signal(2, { errorCode: "AI_003", message: "Claude API timeout after 30000ms", count: 14 }),
        signal(3, { errorCode: "AUTH_002", message: "<img src=x onerror=alert(1)> token rejected" }),
      ],
      { windowMs: 300_000, maxAgeMs: 3_600_000, now },
    );
    for (const o of outcomes) if (o.kind === "new") ids.push(o.incidentId);
    await store.saveDiagnosis(
      ids[0]!,
      makeDiagnosis({ severity: "medium", title: "Database pool exhausted" }),
    );
    await store.saveDiagnosis(
      ids[1]!,
      makeDiagnosis({
        severity: "critical",
        title: "Claude API timeout",
        by: "claude-sonnet-5-5",
        costUsd: 0.0123,
      }),
    );
    await store.saveContext(ids[1]!, {
      items: [
        {
          id: "logs:request",
          kind: "logs",
          title: "Logs of request req_2",
          text: "api_key=[REDACTED]\nretry 3 of 3",
        },
        {
          id: "source:domain/ai/service.rs",
          kind: "source",
          title: "domain/ai/service.rs",
          text: "let timeout = 30;",
        },
      ],
      partial: [],
      redactions: { api_key: 1 },
      tokens: { estimated: 1200, budget: 8000 },
    });
    const issue = "https://github.com/acme/server/issues/7";
    await store.updateDelivery(ids[1]!, "github", { state: "sent", remoteRef: issue, attempt: true }, now);
    await store.updateDelivery(ids[1]!, "discord", { state: "sent", remoteRef: "1187000000000000042" }, now);

    const config = configSchema.parse({ webhook: { token: TOKEN } });
    const metrics = createMetrics();
    const intake = createIntake({
      store,
      metrics,
      now: Date.now,
      policy: { windowMs: 300_000, maxAgeMs: 3_600_000 },
      wake: () => {},
    });
    const app = createApp({ intake, store, config, log: silentLogger(), metrics, now: Date.now });
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s as Server));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (server) await closeServer(server);
    await store?.close();
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rm(profile, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });

  it("logs in, filters, opens an incident, gives a verdict, acknowledges and resolves it", async () => {
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe("/login");
    await shot("1-login");
    await page.getByLabel(/Token/).fill(TOKEN);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${base}/`);
    const cookies = await context.cookies(base);
    expect(cookies.find((c) => c.name === "ai_monitor_session")).toMatchObject({
      httpOnly: true,
      sameSite: "Strict",
    });
    expect(await page.locator("table.incidents tbody tr").count()).toBe(3);
    await shot("2-list");

    await page.getByLabel("Severity").selectOption("critical");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/severity=critical/);
    expect(await page.locator("table.incidents tbody tr").count()).toBe(1);
    await shot("3-filtered");

    await page.getByRole("link", { name: "Claude API timeout" }).click();
    await page.waitForURL(`${base}/incidents/${ids[1]}`);
    expect(await page.locator("h1").textContent()).toContain("Claude API timeout");
    await page.getByText("Logs of request req_2").click();
    expect(await page.getByText("api_key=[REDACTED]").isVisible()).toBe(true);
    await shot("4-incident");

    await page.getByText("Add a note or your name").click();
    await page.getByLabel(/Your name \(a later verdict/).fill("ana");
    await page.getByRole("button", { name: "Correct", exact: true }).click();
    await page.waitForURL(/done=verdict/);
    expect(await page.getByRole("status").textContent()).toContain("Verdict saved");
    expect(await store.listDiagnosisFeedback({})).toMatchObject([
      { incidentId: ids[1], verdict: "correct", reviewer: "ana" },
    ]);

    await page.getByRole("button", { name: "Acknowledge" }).click();
    await page.waitForURL(/done=acked/);
    await page.getByLabel("Resolution note (optional)").fill("raised TIMEOUT_SECS to 60");
    await page.getByRole("button", { name: "Resolve" }).click();
    await page.waitForURL(/done=resolved/);
    expect(await page.getByRole("status").textContent()).toBe("Resolved.");
    await shot("5-resolved");
    expect(await store.getIncident(ids[1]!)).toMatchObject({
      status: "resolved",
      resolutionNote: "raised TIMEOUT_SECS to 60",
      acknowledgedAt: expect.any(Number),
    });
  }, 60_000);

  it("is usable on a phone and with the keyboard alone", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot("6-phone-list");
    await page.goto(`${base}/incidents/${ids[2]}`);
    // Hostile log text is shown as text, never run.
    expect(await page.locator("img").count()).toBe(0);
    await shot("7-phone-incident");
    // Tab reaches the skip link first, then the home link: focus is visible and in reading order.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe("solid");
  }, 60_000);
});
