/**
 * renovate.json, checked for what Renovate would do with it here (Renovate itself, a very large npm package with
 * cloud SDKs, is not installed to run its validator): only options this file is allowed to use, strictly typed;
 * the managers cover the compose file, the Dockerfile and package.json; the custom regex really extracts the
 * Dockerfile's Node image; every rule names an image the stack uses and does not ask for a downgrade.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { repoPath } from "./helpers/stack-tools.js";

const packageRule = z
  .object({
    description: z.string(),
    matchManagers: z.array(z.enum(["docker-compose", "dockerfile", "npm", "custom.regex"])).optional(),
    matchPackageNames: z.array(z.string()).optional(),
    matchDepTypes: z.array(z.enum(["dependencies", "devDependencies"])).optional(),
    matchUpdateTypes: z.array(z.enum(["major", "minor", "patch", "pin", "digest"])).optional(),
    groupName: z.string().optional(),
    allowedVersions: z.string().optional(),
    dependencyDashboardApproval: z.boolean().optional(),
  })
  .strict();
const renovateSchema = z
  .object({
    $schema: z.literal("https://docs.renovatebot.com/renovate-schema.json"),
    description: z.string(),
    extends: z.array(z.string()),
    enabledManagers: z.array(z.string()),
    schedule: z.array(z.string()),
    ignoreDeps: z.array(z.string()),
    customManagers: z.array(
      z
        .object({
          customType: z.literal("regex"),
          description: z.string(),
          // Renovate 41+ name (it replaced fileMatch); "/.../" means a regular expression.
          managerFilePatterns: z.array(z.string().regex(/^\/.+\/$/)),
          matchStrings: z.array(z.string()),
          datasourceTemplate: z.literal("docker"),
        })
        .strict(),
    ),
    packageRules: z.array(packageRule),
  })
  .strict();

const config = renovateSchema.parse(JSON.parse(readFileSync(repoPath("renovate.json"), "utf8")));
const compose = parseYaml(readFileSync(repoPath("deploy/docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, { image?: string; build?: unknown }>;
};
const dockerfile = readFileSync(repoPath("deploy/Dockerfile"), "utf8");
const pkg = JSON.parse(readFileSync(repoPath("package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const asRegExp = (pattern: string) => new RegExp(pattern.slice(1, -1));
/** Renovate's default file pattern of its docker-compose manager. */
const COMPOSE_DEFAULT = /(^|\/)(?:docker-)?compose[^/]*\.ya?ml$/;
/** Images as Renovate's docker-compose manager sees them: repository and tag. */
const composeImages = Object.values(compose.services).flatMap((s) => (s.image ? [s.image] : []));

/** Pure: the dependencies the custom regex managers extract from a file's text. */
function regexDeps(text: string): Array<{ depName: string; currentValue: string }> {
  return config.customManagers.flatMap((m) =>
    m.matchStrings.flatMap((s) =>
      Array.from(text.matchAll(new RegExp(s, "g")), (match) => ({
        depName: match.groups!.depName!,
        currentValue: match.groups!.currentValue!,
      })),
    ),
  );
}

describe("renovate.json", () => {
  it("runs the managers for the compose file, the Dockerfile, npm and the ARG-pinned base image", () => {
    expect(config.enabledManagers.sort()).toEqual(["custom.regex", "docker-compose", "dockerfile", "npm"]);
    expect(COMPOSE_DEFAULT.test("deploy/docker-compose.yml")).toBe(true);
    const patterns = config.customManagers.flatMap((m) => m.managerFilePatterns.map(asRegExp));
    expect(patterns.some((p) => p.test("deploy/Dockerfile"))).toBe(true);
    expect(patterns.some((p) => p.test("deploy/Dockerfile.dockerignore"))).toBe(false);
  });

  it("the custom regex extracts the Dockerfile's Node image exactly as pinned, and nothing else", () => {
    const pinned = /^ARG NODE_IMAGE=node:(\S+)$/m.exec(dockerfile)![1]!;
    expect(regexDeps(dockerfile)).toEqual([{ depName: "node", currentValue: pinned }]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile variable, not a JS template
    expect(regexDeps("FROM ${NODE_IMAGE}\nARG OTHER=1\n")).toEqual([]);
  });

  it("every compose image is a plain repository:tag Renovate can look up; the built one is ignored", () => {
    for (const image of composeImages) expect(image).toMatch(/^[a-z0-9./-]+:[\w.-]+$/);
    const built = Object.values(compose.services)
      .filter((s) => s.build)
      .map((s) => s.image!.split(":")[0]);
    expect(new Set(built)).toEqual(new Set(config.ignoreDeps));
  });

  it("every rule names a package the repository uses", () => {
    const images = new Set([...composeImages.map((i) => i.split(":")[0]!), "node"]);
    const npm = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]);
    for (const rule of config.packageRules)
      for (const name of rule.matchPackageNames ?? [])
        expect(images.has(name) || npm.has(name), `${rule.description}: ${name}`).toBe(true);
  });

  it("allowed versions still accept today's pins (no rule asks for a downgrade)", () => {
    for (const rule of config.packageRules.filter((r) => r.allowedVersions)) {
      const allowed = asRegExp(rule.allowedVersions!);
      for (const name of rule.matchPackageNames ?? []) {
        const tags = composeImages.filter((i) => i.split(":")[0] === name).map((i) => i.split(":")[1]!);
        expect(tags.length, name).toBeGreaterThan(0);
        for (const tag of tags) expect(allowed.test(tag), `${name}:${tag}`).toBe(true);
      }
    }
  });

  it("the strict schema refuses an unknown or misspelt option", () => {
    const typo = { ...JSON.parse(readFileSync(repoPath("renovate.json"), "utf8")), enabledManager: ["npm"] };
    expect(renovateSchema.safeParse(typo).success).toBe(false);
    const oldName = JSON.parse(readFileSync(repoPath("renovate.json"), "utf8"));
    oldName.customManagers[0].fileMatch = ["Dockerfile$"];
    expect(renovateSchema.safeParse(oldName).success).toBe(false);
  });
});
