/** Pure: where an incident's page is, for links from Discord and GitHub back to the one-click verdict. */

/** The sentence alerts link with, asking for a verdict on the diagnosis. */
export const VERDICT_PROMPT = "Was this diagnosis right? Tell us in one click";

/** `publicUrl` without its trailing slashes, or null when absent or not a plain http(s) URL (no markdown tricks). */
function base(publicUrl: string | null | undefined): string | null {
  if (!publicUrl || !/^https?:\/\/[^\s<>()]+$/.test(publicUrl)) return null;
  return publicUrl.replace(/\/+$/, "");
}

/** `https://host/base/incidents/ID` under `publicUrl` (no trailing slash needed), or null without one. */
export function incidentPageUrl(publicUrl: string | null | undefined, incidentId: string): string | null {
  const root = base(publicUrl);
  return root === null ? null : `${root}/incidents/${encodeURIComponent(incidentId)}`;
}

/** The incident list, served at the root of `publicUrl`: a Discord digest links to it. Null without one. */
export function incidentListUrl(publicUrl: string | null | undefined): string | null {
  const root = base(publicUrl);
  return root === null ? null : `${root}/`;
}
