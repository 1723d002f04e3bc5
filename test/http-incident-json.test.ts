import { describe, expect, it } from "vitest";
import type { Incident } from "../src/domain/types.js";
import { incidentToJson } from "../src/http/incident-json.js";
import { makeIncident } from "./helpers/incident.js";

const T0 = Date.parse("2026-11-26T10:00:00Z");

const incident: Incident = makeIncident({
  id: "42",
  status: "resolved",
  count: 7,
  firstSeen: T0,
  lastSeen: T0 + 60_000,
  createdAt: T0 + 1_000,
  resolvedAt: T0 + 120_000,
  resolvedBy: "alice",
  resolutionNote: "pool size raised",
  acknowledgedAt: T0 + 30_000,
  acknowledgedBy: "bob",
  source: "alertmanager",
  message: "ERROR logs for AI_003",
  requestId: null,
  fields: { alertname: "ServerErrorLogged" },
  deliveries: [
    { sink: "discord", state: "sent", attempts: 1, remoteRef: "123", lastError: null, updatedAt: T0 + 5_000 },
  ],
  costUsd: 0.0123,
});

describe("incidentToJson", () => {
  it("publishes the documented fields with ISO times", () => {
    expect(incidentToJson(incident)).toEqual({
      id: "42",
      fingerprint: "AI_003:server::domain::ai::service",
      errorCode: "AI_003",
      target: "server::domain::ai::service",
      severity: "high",
      status: "resolved",
      count: 7,
      firstSeen: "2026-11-26T10:00:00.000Z",
      lastSeen: "2026-11-26T10:01:00.000Z",
      resolvedAt: "2026-11-26T10:02:00.000Z",
      resolvedBy: "alice",
      resolutionNote: "pool size raised",
      acknowledgedAt: "2026-11-26T10:00:30.000Z",
      acknowledgedBy: "bob",
      source: "alertmanager",
      message: "ERROR logs for AI_003",
      requestId: null,
      diagnosis: null,
      deliveries: [
        {
          sink: "discord",
          state: "sent",
          remoteRef: "123",
          attempts: 1,
          lastError: null,
          updatedAt: "2026-11-26T10:00:05.000Z",
        },
      ],
      costUsd: 0.0123,
    });
  });

  it("keeps resolvedAt and acknowledgedAt null while open and unacknowledged", () => {
    const open = incidentToJson({ ...incident, status: "open", resolvedAt: null, acknowledgedAt: null });
    expect(open.resolvedAt).toBeNull();
    expect(open.acknowledgedAt).toBeNull();
  });
});
