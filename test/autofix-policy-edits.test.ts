import { describe, expect, it } from "vitest";
import { decideEdit } from "../src/autofix/policy.js";
import { options, RETRO, type Row, rs, SERVICE } from "./helpers/autofix-policy.js";

const rows: Row[] = [
  // Allowed.
  [
    "timeout constant raised",
    {
      file: rs,
      find: "pub const TIMEOUT_SECS: u64 = 30;",
      replace: "pub const TIMEOUT_SECS: u64 = 60;",
      original: SERVICE,
    },
    "constant",
  ],
  [
    "retry count with a comment",
    {
      file: rs,
      find: "const MAX_RETRIES: u32 = 0;",
      replace: "const MAX_RETRIES: u32 = 2; // AI_003",
      original: SERVICE,
    },
    "constant",
  ],
  [
    "the context id as path",
    { file: `source:${rs}`, find: "= 30;", replace: "= 45;", original: SERVICE },
    "constant",
  ],
  [
    "log level lowered",
    {
      file: "src/domain/ai/service.rs",
      find: 'tracing::info!("ai service ready");',
      replace: 'tracing::debug!("ai service ready");',
      original: SERVICE,
    },
    "log",
  ],
  [
    "log message literal",
    { file: rs, find: '"ai service ready"', replace: '"ai service ready to serve"', original: SERVICE },
    "log",
  ],
  [
    "log call added with a field",
    {
      file: rs,
      find: "    let prompt = build_prompt(request_id);\n",
      replace:
        '    let prompt = build_prompt(request_id);\n    tracing::info!(request_id = %request_id, max_tokens = prompt.max_tokens, "prompt built");\n',
      original: SERVICE,
    },
    "log",
  ],
  [
    "None guard inserted",
    {
      file: "src/domain/retrospective/service.rs",
      find: "    None\n}",
      replace: "    if user_id.is_none() { return None; }\n    None\n}",
      original: RETRO.replace("user_id: u64", "user_id: Option<u64>"),
    },
    "guard",
  ],
  [
    "let-else guard inserted",
    {
      file: "src/x.rs",
      find: "    let name = user.name;",
      replace: "    let Some(user) = user else { return None; };\n    let name = user.name;",
      original:
        "fn f(user: Option<User>) -> Option<String> {\n    let name = user.name;\n    Some(name)\n}\n",
    },
    "guard",
  ],
  [
    "unwrap replaced by a default",
    {
      file: "src/x.rs",
      find: 'cfg.get("n").unwrap()',
      replace: 'cfg.get("n").unwrap_or_default()',
      original: 'fn f(cfg: &C) -> u32 { cfg.get("n").unwrap() }\n',
    },
    "guard",
  ],
  [
    "expect replaced by a literal default",
    {
      file: "src/x.rs",
      find: '.expect("n set")',
      replace: ".unwrap_or(10)",
      original: 'fn f(c: &C) -> u32 { c.n.expect("n set") }\n',
    },
    "guard",
  ],
];

describe("decideEdit", () => {
  it.each(rows)("%s", (_name, input, expected) => {
    const decision = decideEdit(input, options);
    if (typeof expected === "string") {
      expect(decision).toMatchObject({ allowed: true, rule: expected });
    } else {
      expect(decision.allowed).toBe(false);
      expect(decision.allowed ? "" : decision.reason).toMatch(expected);
    }
  });

  it("returns the updated text, the hunks and the changed line count", () => {
    const decision = decideEdit(rows[0]![1], options);
    if (!decision.allowed) throw new Error(decision.reason);
    expect(decision.updated).toContain("pub const TIMEOUT_SECS: u64 = 60;");
    expect(decision.changedLines).toBe(1);
    expect(decision.reason).toBe("literal change in a const/static item (TIMEOUT_SECS: 30 -> 60)");
  });

  it("honours configured globs: deny wins over allow, an empty allow list allows nothing", () => {
    const input = rows[0]![1];
    expect(decideEdit(input, { ...options, deny: ["src/domain/**"] })).toMatchObject({ allowed: false });
    expect(decideEdit(input, { ...options, allow: [] })).toMatchObject({ allowed: false });
    expect(decideEdit(input, { ...options, allow: ["src/domain/ai/*.rs"], deny: [] })).toMatchObject({
      allowed: true,
    });
  });
});
