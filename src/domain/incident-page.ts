/** Pure: where an incident's page is, for links from Discord and GitHub back to the one-click verdict. */

/** The sentence alerts link with, asking for a verdict on the diagnosis. */
export const VERDICT_PROMPT = "Was this diagnosis right? Tell us in one click";

/** `https://host/base/incidents/ID` under `publicUrl` (no trailing slash needed), or null without one. */
export function incidentPageUrl(publicUrl: string | null | undefined, incidentId: string): string | null {
  if (!publicUrl || !/^https?:\/\/[^\s<>()]+$/.test(publicUrl)) return null;
  return `${publicUrl.replace(/\/+$/, "")}/incidents/${encodeURIComponent(incidentId)}`;
}
