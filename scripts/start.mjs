/** `npm start`: rebuild dist/ only if the sources changed, then run the CLI in this process (`serve` by default). */
import { buildIfStale } from "./build-if-stale.mjs";

if (!buildIfStale()) process.exit(1);
await import("../dist/cli.js");
