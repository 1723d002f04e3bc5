// Baseline server for bench/webhook-storm: a bare Hono route that parses the JSON body and answers 204.
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono();
app.post("/webhook/alertmanager", async (c) => {
  await c.req.json();
  return c.body(null, 204);
});
const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info) => {
  process.stdout.write(`listening http://127.0.0.1:${info.port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
