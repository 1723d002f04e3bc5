import { describe, expect, it } from "vitest";
import { decideEdit, normalizeEditPath, pathDenial } from "../src/autofix/policy.js";
import { DEFAULT_ALLOW_GLOBS, DEFAULT_DENY_GLOBS } from "../src/config/autofix-section.js";
import { options, type Row, rs, SERVICE, SERVICE_WITH_TESTS } from "./helpers/autofix-policy.js";

const rows: Row[] = [
  // Denied: paths.
  [
    "an auth file",
    { file: "src/domain/auth/jwt.rs", find: "x", replace: "y", original: "x" },
    /deny glob "\*\*\/\*auth\*\/\*\*"/,
  ],
  [
    "a migration",
    { file: "migrations/2026_add_users.sql", find: "a", replace: "b", original: "a" },
    /deny glob/,
  ],
  [
    "a CI workflow",
    { file: ".github/workflows/ci.yml", find: "a: 1", replace: "a: 2", original: "a: 1\n" },
    /deny glob/,
  ],
  [
    "a build script",
    { file: "build.rs", find: "1", replace: "2", original: "const A: u8 = 1;" },
    /deny glob "\*\*\/build\.rs"/,
  ],
  ["the lock file", { file: "Cargo.lock", find: "1", replace: "2", original: "1" }, /deny glob/],
  [
    "a test file",
    { file: "tests/api.rs", find: "1", replace: "2", original: "const A: u8 = 1;" },
    /deny glob/,
  ],
  ["a shell script", { file: "scripts/deploy.sh", find: "1", replace: "2", original: "1" }, /deny glob/],
  [
    "an unknown file type",
    { file: "src/index.html", find: "30", replace: "60", original: "<b>30</b>" },
    /no allow glob/,
  ],
  [
    "a path outside the repo",
    { file: "../etc/app.toml", find: "1", replace: "2", original: "a = 1" },
    /leaves the repository/,
  ],
  ["an absolute path", { file: "/etc/app.toml", find: "1", replace: "2", original: "a = 1" }, /absolute/],
  ["a missing file", { file: "src/new.rs", find: "1", replace: "2", original: null }, /does not exist/],

  // Denied: the old text.
  [
    "old text twice",
    { file: rs, find: "ErrorCode::AI_003", replace: "ErrorCode::AI_002", original: SERVICE },
    /occurs more than once/,
  ],
  [
    "old text absent",
    { file: rs, find: "const TIMEOUT_SECS: u64 = 31;", replace: "x", original: SERVICE },
    /does not occur/,
  ],
  ["no change", { file: rs, find: "= 30;", replace: "= 30;", original: SERVICE }, /changes nothing/],
  [
    "too many lines",
    {
      file: rs,
      find: "pub const TIMEOUT_SECS: u64 = 30;",
      replace: `${"// padding\n".repeat(10)}pub const TIMEOUT_SECS: u64 = 60;`,
      original: SERVICE,
    },
    /at most 10/,
  ],

  // Denied: what the change is.
  [
    "unsafe",
    {
      file: rs,
      find: "pub const TIMEOUT_SECS: u64 = 30;",
      replace: "pub const TIMEOUT_SECS: u64 = unsafe { 60 };",
      original: SERVICE,
    },
    /adds `unsafe`/,
  ],
  [
    "business logic: a literal in a function",
    { file: rs, find: "max_tokens: 1024,", replace: "max_tokens: 4096,", original: SERVICE },
    /outside a const or static/,
  ],
  [
    "business logic: control flow",
    {
      file: rs,
      find: "Ok(text) => Ok(text),",
      replace: "Ok(text) => Ok(text.to_uppercase()),",
      original: SERVICE,
    },
    /beyond literals/,
  ],
  [
    "a computed constant",
    {
      file: rs,
      find: "pub const TIMEOUT_SECS: u64 = 30;",
      replace: 'pub const TIMEOUT_SECS: u64 = { std::process::Command::new("curl").spawn().ok(); 60 };',
      original: SERVICE,
    },
    /beyond literals/,
  ],
  [
    "a const URL",
    {
      file: "src/x.rs",
      find: '"https://api.anthropic.com"',
      replace: '"https://evil.example/x"',
      original: 'const BASE: &str = "https://api.anthropic.com";\n',
    },
    /names a base|URL/,
  ],
  [
    "a const name that is security",
    {
      file: "src/x.rs",
      find: "= 3600;",
      replace: "= 999999;",
      original: "const TOKEN_TTL_SECS: u64 = 3600;\n",
    },
    /names a token/,
  ],
  [
    "a boolean switch in a const",
    {
      file: "src/x.rs",
      find: "= true;",
      replace: "= false;",
      original: "pub const STRICT_MODE: bool = true;\n",
    },
    /flips the boolean STRICT_MODE/,
  ],
  [
    "a security check's name",
    { file: "src/x.rs", find: "= 5;", replace: "= 500;", original: "const MAX_LOGIN_ATTEMPTS: u32 = 5;\n" },
    /security-related \(login\)/,
  ],
  [
    "a value through a macro",
    {
      file: "src/x.rs",
      find: '"a.txt"',
      replace: '"b.txt"',
      original: 'const T: &str = include_str!("a.txt");\n',
    },
    /computed by a macro/,
  ],
  [
    "a log call printing a secret",
    {
      file: rs,
      find: 'tracing::info!("ai service ready");',
      replace: 'tracing::info!(api_key = %API_KEY, "ai service ready");',
      original: SERVICE,
    },
    /would print api_key, which may be a secret/,
  ],
  [
    "a log call with a function call",
    {
      file: rs,
      find: 'tracing::info!("ai service ready");',
      replace: 'tracing::info!("{}", std::fs::read_to_string("/etc/passwd").unwrap());',
      original: SERVICE,
    },
    /arguments may only be/,
  ],
  [
    "a removed log call",
    { file: rs, find: '    tracing::info!("ai service ready");\n', replace: "", original: SERVICE },
    /removes a log statement/,
  ],
  [
    "a deleted test",
    {
      file: rs,
      find: "    #[test]\n    fn timeout_is_bounded() {\n        assert!(TIMEOUT_SECS <= 120);\n    }\n",
      replace: "",
      original: SERVICE_WITH_TESTS,
    },
    /deletes a test/,
  ],
  [
    "a weakened test",
    { file: rs, find: "TIMEOUT_SECS <= 120", replace: "TIMEOUT_SECS <= 1200", original: SERVICE_WITH_TESTS },
    /changes test code/,
  ],
  [
    "comments only",
    { file: rs, find: "/// Retries of a timed-out call.", replace: "/// Retries.", original: SERVICE },
    /only comments/,
  ],
  [
    "a guard with a call",
    {
      file: "src/x.rs",
      find: "    None\n}",
      replace: '    if x.is_none() { return Some(std::env::var("K").unwrap()); }\n    None\n}',
      original: "fn f(x: Option<u8>) -> Option<String> {\n    None\n}\n",
    },
    /beyond literals/,
  ],
];

describe("decideEdit refuses", () => {
  it.each(rows)("%s", (_name, input, expected) => {
    const decision = decideEdit(input, options);
    expect(decision.allowed).toBe(false);
    expect(decision.allowed ? "" : decision.reason).toMatch(expected as RegExp);
  });
});

describe("paths", () => {
  it.each([
    ["./src/a.rs", "src/a.rs"],
    ["source:src/a.rs", "src/a.rs"],
  ])("normalises %s", (file, path) => {
    expect(normalizeEditPath(file)).toEqual({ ok: true, path });
  });

  it.each(["src//a.rs", "src/./a.rs", "C:/x.rs", "src\\a.rs", ""])("refuses %j", (file) => {
    expect(normalizeEditPath(file).ok).toBe(false);
  });

  it.each([
    ["src/domain/auth/jwt.rs", true],
    ["src/oauth.rs", true],
    ["src/infra/db/schema.rs", true],
    ["src/crypto/aes.rs", true],
    ["src/security.rs", true],
    [".github/workflows/ci.yml", true],
    ["deploy/.gitlab-ci.yml", true],
    ["src/domain/ai/service.rs", false],
    ["config/app.toml", false],
    [".env.production", false],
  ])("deny %s: %s", (path, denied) => {
    expect(pathDenial(path, { allow: DEFAULT_ALLOW_GLOBS, deny: DEFAULT_DENY_GLOBS }) !== null).toBe(denied);
  });
});
