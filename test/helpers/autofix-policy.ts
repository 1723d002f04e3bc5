/** The Rust fixtures and options the autofix policy table tests share (src/autofix/policy*.test.ts). */
import { readFileSync } from "node:fs";
import type { PolicyInput } from "../../src/autofix/policy.js";
import { DEFAULT_ALLOW_GLOBS, DEFAULT_DENY_GLOBS } from "../../src/config/autofix-section.js";

export const SERVICE = readFileSync(
  new URL("../fixtures/rust-crate/src/domain/ai/service.rs", import.meta.url),
  "utf8",
);
export const RETRO = readFileSync(
  new URL("../fixtures/rust-crate/src/domain/retrospective/service.rs", import.meta.url),
  "utf8",
);
export const options = { allow: DEFAULT_ALLOW_GLOBS, deny: DEFAULT_DENY_GLOBS, maxChangedLines: 10 };
export const rs = "src/domain/ai/service.rs";

export const SERVICE_WITH_TESTS = `${SERVICE}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeout_is_bounded() {
        assert!(TIMEOUT_SECS <= 120);
    }
}
`;

/** One table row: what the edit is, and the rule that allows it or the pattern of the reason it is refused. */
export type Row = [name: string, input: PolicyInput, expected: RegExp | "constant" | "log" | "guard"];
