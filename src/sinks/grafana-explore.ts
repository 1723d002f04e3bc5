/**
 * Links to Grafana Explore showing the incident's logs in Loki, for the Discord alert and the GitHub issue.
 * Everything taken from the incident is URL-encoded inside the query, so log text cannot change the link target.
 */
import type { Incident } from "../domain/types.js";

/** Where Grafana is and how its Loki data source finds the server's logs. */
export interface GrafanaExploreSettings {
  /** Grafana's base URL, e.g. http://localhost:3000. */
  url: string;
  lokiDatasourceUid: string;
  /** Stream selector of the server's logs, e.g. {app="server"}. */
  selector: string;
  orgId: number;
}

/** How much log time the link shows around the incident. */
const MARGIN_MS = 5 * 60_000;

/** A LogQL string literal: backslashes and quotes escaped, control characters dropped. */
function logqlString(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters cannot appear in the query.
  return `"${text.replace(/[\x00-\x1f\x7f]/g, " ").replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Pure: the LogQL query for an incident: its request when known, else its error code or target. */
export function incidentLogQuery(incident: Incident, selector: string): string {
  const needle = incident.requestId ?? incident.errorCode;
  return needle ? `${selector} |= ${logqlString(needle)}` : `${selector} |= ${logqlString(incident.target)}`;
}

/** Pure: build the Explore link function, or one that returns null when Grafana is not configured. */
export function grafanaExploreLink(
  settings: GrafanaExploreSettings | null,
): (incident: Incident) => string | null {
  if (!settings) return () => null;
  const base = settings.url.replace(/\/+$/, "");
  return (incident) => {
    const pane = {
      datasource: settings.lokiDatasourceUid,
      queries: [
        {
          refId: "A",
          expr: incidentLogQuery(incident, settings.selector),
          queryType: "range",
          datasource: { type: "loki", uid: settings.lokiDatasourceUid },
        },
      ],
      range: {
        from: String(incident.firstSeen - MARGIN_MS),
        to: String((incident.resolvedAt ?? incident.lastSeen) + MARGIN_MS),
      },
    };
    // encodeURIComponent leaves ( ) ! ' * alone; parentheses would end a Markdown link early.
    const panes = encodeURIComponent(JSON.stringify({ ai: pane })).replace(
      /[()!'*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
    return `${base}/explore?schemaVersion=1&orgId=${settings.orgId}&panes=${panes}`;
  };
}
