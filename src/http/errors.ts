/** JSON problem bodies for every error the HTTP layer answers, so callers never parse HTML or plain text. */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { Logger } from "../log.js";

/** One offending input path and why, e.g. `{ path: "alerts.0.startsAt", message: "Invalid ISO datetime" }`. */
export interface ProblemIssue {
  path: string;
  message: string;
}

/** Pure: zod issues as dotted paths ("alerts.0.startsAt"; the body itself is ""). */
export function zodIssues(error: z.ZodError): ProblemIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((part) => String(part)).join("."),
    message: issue.message,
  }));
}

/** Answer a JSON problem: `{ error, ...extra }` with `status`. */
export function problem(
  c: Context,
  status: ContentfulStatusCode,
  error: string,
  extra: object = {},
): Response {
  return c.json({ ...extra, error }, status);
}

/** Error handler: HTTPExceptions keep their status; anything else is logged and answered 500 without details. */
export function createErrorHandler(log: Logger): ErrorHandler {
  return (err, c) => {
    if (err instanceof HTTPException) {
      return problem(c, err.status, err.message || err.res?.statusText || "request failed");
    }
    log.error({ err, method: c.req.method, path: c.req.path }, "unhandled error in HTTP handler");
    return problem(c, 500, "internal error");
  };
}

/** 404 as JSON. */
export const notFound: NotFoundHandler = (c) => problem(c, 404, "not found");
