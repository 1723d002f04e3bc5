/**
 * `prepare` (run by `npm ci` and `npm install`): build dist/ once, unless it is already current, and make sure
 * the SQLite addon loads in this Node.js.
 */
import { buildIfStale } from "./build-if-stale.mjs";
import { ensureNativeAddon } from "./native-addon.mjs";

if (!buildIfStale() || !ensureNativeAddon()) process.exit(1);
