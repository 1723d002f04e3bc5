/** ai-monitor's own version, from the package.json shipped beside src/ and dist/ (both one level below it). */
import { readFileSync } from "node:fs";

let cached: string | undefined;

/** The `version` of ai-monitor's package.json; "unknown" if the file cannot be read (never throws). */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    cached = typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    cached = "unknown";
  }
  return cached;
}
