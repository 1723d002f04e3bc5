/** The error-code catalog (`error-codes.yaml`): what a team already knows about each of its error codes. */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { z } from "zod";

const entrySchema = z
  .object({
    title: z.string().min(1),
    severity: z.enum(["critical", "high", "medium", "low"]),
    runbook: z.string().url().nullable().default(null),
    impact: z.string().nullable().default(null),
    cause: z.string().nullable().default(null),
    hints: z.array(z.string()).default([]),
  })
  .strict();

const catalogSchema = z.record(
  z.string().regex(/^[A-Z][A-Z0-9]*_\d+$/, "codes look like AI_003"),
  entrySchema,
);

export type CatalogEntry = z.infer<typeof entrySchema>;
/** Code -> entry. */
export type Catalog = ReadonlyMap<string, CatalogEntry>;

/** The catalog shipped with ai-monitor, used when the config names none. */
export const DEFAULT_CATALOG_PATH = fileURLToPath(new URL("../../error-codes.yaml", import.meta.url));

/** Parse catalog YAML text; throws with every problem's path. */
export function parseCatalog(text: string, origin: string): Catalog {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (err) {
    throw new Error(`invalid error-code catalog: ${origin}: ${(err as Error).message.split("\n")[0]}`);
  }
  const result = catalogSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${origin}: ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid error-code catalog:\n${problems.join("\n")}`);
  }
  return new Map(Object.entries(result.data));
}

/** Load the catalog from a file (the shipped one when path is null). */
export async function loadCatalog(path: string | null): Promise<Catalog> {
  const file = path ?? DEFAULT_CATALOG_PATH;
  return parseCatalog(await readFile(file, "utf8"), file);
}
