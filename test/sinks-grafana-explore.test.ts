import { describe, expect, it } from "vitest";
import { grafanaExploreLink, incidentLogQuery } from "../src/sinks/grafana-explore.js";
import { makeIncident } from "./helpers/dispatch-incident.js";

describe("Grafana Explore link", () => {
  const link = grafanaExploreLink({
    url: "http://grafana:3000/",
    lokiDatasourceUid: "loki-uid",
    selector: '{app="server"}',
    orgId: 2,
  });

  it("opens Explore on the incident's logs around its time", () => {
    const incident = makeIncident();
    const url = new URL(link(incident)!);
    expect(url.origin + url.pathname).toBe("http://grafana:3000/explore");
    expect(url.searchParams.get("orgId")).toBe("2");
    const pane = JSON.parse(url.searchParams.get("panes")!).ai;
    expect(pane.queries[0]).toMatchObject({
      expr: '{app="server"} |= "req_7f3a1c"',
      datasource: { type: "loki", uid: "loki-uid" },
    });
    expect(Number(pane.range.from)).toBe(incident.firstSeen - 300_000);
    expect(Number(pane.range.to)).toBe(incident.lastSeen + 300_000);
  });

  it("escapes log text into the query and keeps the URL free of characters that end a Markdown link", () => {
    const url = link(makeIncident({ requestId: 'x") | evil (\\' }))!;
    expect(url).not.toMatch(/[()\s"]/);
    const expr = JSON.parse(new URL(url).searchParams.get("panes")!).ai.queries[0].expr;
    expect(expr).toBe('{app="server"} |= "x\\") | evil (\\\\"');
    expect(incidentLogQuery(makeIncident({ requestId: null, errorCode: null }), '{a="b"}')).toBe(
      '{a="b"} |= "server::domain::ai::service"',
    );
  });

  it("is absent when Grafana is not configured", () => {
    expect(grafanaExploreLink(null)(makeIncident())).toBeNull();
  });
});
