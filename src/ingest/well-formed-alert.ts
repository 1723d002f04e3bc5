/**
 * Pure: the Alertmanager alert a storm is made of, checked without zod. zod's machinery (a result object per
 * field, per label, per annotation) cost a storm of alerts about as much as storing them. This accepts only
 * what `alertFields` accepts and answers what it would output; anything else (a wrong type, a missing field,
 * a `__proto__` label, a fingerprint past 256 UTF-16 units, which zod measures in code points) answers null,
 * and the caller lets zod check it and name every path at fault. test/alert-fast-path.test.ts holds the two to
 * the same answers.
 */
import { z } from "zod";
import type { alertFields } from "./alertmanager.js";

type AlertFields = z.output<typeof alertFields>;

// The pattern `z.iso.datetime({ offset: true })` tests (the same call builds it).
const DATETIME = z.core.regexes.datetime({ offset: true });

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

// Own string values only, and no key zod treats apart (an own `__proto__`, as JSON.parse makes one).
function stringRecord(value: unknown): Record<string, string> | null {
  if (!isPlainObject(value) || Object.hasOwn(value, "__proto__")) return null;
  for (const key in value) if (!Object.hasOwn(value, key) || typeof value[key] !== "string") return null;
  return Object.getOwnPropertySymbols(value).length === 0 ? (value as Record<string, string>) : null;
}

const isTimestamp = (value: unknown): value is string => typeof value === "string" && DATETIME.test(value);

/** Pure: `value` as `alertFields` would output it (records shared, not copied), or null to ask zod. */
export function wellFormedAlert(value: unknown): AlertFields | null {
  if (!isPlainObject(value)) return null;
  const { status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint } = value;
  if (status !== "firing" && status !== "resolved") return null;
  const labelRecord = stringRecord(labels);
  const annotationRecord = annotations === undefined ? {} : stringRecord(annotations);
  if (!labelRecord || !annotationRecord || !isTimestamp(startsAt)) return null;
  if (endsAt !== undefined && !isTimestamp(endsAt)) return null;
  if (generatorURL !== undefined && typeof generatorURL !== "string") return null;
  if (typeof fingerprint !== "string" || fingerprint.length < 1 || fingerprint.length > 256) return null;
  return {
    status,
    labels: labelRecord,
    annotations: annotationRecord,
    startsAt,
    ...(endsAt === undefined ? {} : { endsAt }),
    generatorURL: generatorURL ?? "",
    fingerprint,
  };
}
