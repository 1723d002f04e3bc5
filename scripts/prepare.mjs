/** `prepare` (run by `npm ci` and `npm install`): build dist/ once, unless it is already current. */
import { buildIfStale } from "./build-if-stale.mjs";

if (!buildIfStale()) process.exit(1);
