import { describe, expect, it } from "vitest";
import { incidentPageUrl, VERDICT_PROMPT } from "../src/domain/incident-page.js";
import { buildDiscordMessage } from "../src/sinks/discord/payload.js";
import { issueBody } from "../src/sinks/github/issue-body.js";
import { makeDiagnosis, makeIncident } from "./helpers/incident.js";

const PAGE = "https://monitor.example.com/incidents/42";
const diagnosed = makeIncident({ id: "42", diagnosis: makeDiagnosis() });

describe("links to the incident's page (publicUrl)", () => {
  it("builds the page URL under publicUrl, with or without a trailing slash or base path", () => {
    expect(incidentPageUrl("https://monitor.example.com", "42")).toBe(PAGE);
    expect(incidentPageUrl("https://example.com/ai-monitor/", "7")).toBe(
      "https://example.com/ai-monitor/incidents/7",
    );
    expect(incidentPageUrl(null, "42")).toBeNull();
    expect(incidentPageUrl("javascript:alert(1)", "42")).toBeNull();
  });

  it("puts the one-click verdict link first among the Discord embed's links", () => {
    const message = buildDiscordMessage(diagnosed, { exploreUrl: null, pageUrl: PAGE });
    const links = message.embeds?.[0]?.fields?.find((f) => f.name === "Links")?.value;
    expect(links?.split("\n")[0]).toBe(`[${VERDICT_PROMPT}](${PAGE})`);
    const undiagnosed = buildDiscordMessage(makeIncident({ id: "42" }), { exploreUrl: null, pageUrl: PAGE });
    expect(JSON.stringify(undiagnosed)).toContain(`[Incident page](${PAGE})`);
    const none = buildDiscordMessage(diagnosed, { exploreUrl: null });
    expect(JSON.stringify(none)).not.toContain(VERDICT_PROMPT);
  });

  it("asks for a verdict in the GitHub issue: the page link, and reactions on the issue", () => {
    const body = issueBody(diagnosed, null, PAGE);
    expect(body).toContain(`**[${VERDICT_PROMPT}](${PAGE}), or react 👍 or 👎 to this issue.**`);
    expect(issueBody(diagnosed, null)).toContain(
      "**Was this diagnosis right? React 👍 or 👎 to this issue.**",
    );
    expect(issueBody(makeIncident(), null, PAGE)).not.toContain(VERDICT_PROMPT);
  });
});
