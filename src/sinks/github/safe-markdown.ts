/**
 * Untrusted text (log lines, and diagnoses that quote them) made inert for GitHub-flavoured Markdown. Outside
 * code, `@user` would notify someone, `#12` and `owner/repo#12` would cross-reference other issues, bare URLs
 * and `www.` become links, and raw HTML could hide content. Evidence goes into fenced code blocks instead,
 * whose fence is longer than any backtick run inside, so the text cannot close it.
 * @see https://docs.github.com/en/get-started/writing-on-github/working-with-advanced-formatting/autolinked-references-and-urls
 */
import { redactText } from "../../domain/redact.js";
import { truncateCodePoints } from "../truncate.js";

const ZWSP = "\u200b";
// C0/C1 controls except newline, plus bidirectional overrides that can make text read backwards.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROLS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
// `&` too: `&#64;user` would render as a live @user mention.
const MARKDOWN = /[\\`*_{}[\]()<>!|~&]/g;

// `<!--` opens ai-monitor's hidden markers (issue-body.ts): log text must not forge one, not even in code,
// where a zero-width space after `<!` looks the same.
const unmark = (text: string) => text.replaceAll("<!--", `<!${ZWSP}--`);

/** Pure: control characters removed and secrets redacted; newlines collapsed when `singleLine`. */
function clean(text: string, singleLine: boolean): string {
  const cleaned = unmark(redactText(text).replace(CONTROLS, " "));
  return singleLine ? cleaned.replace(/\s*\n\s*/g, " ").trim() : cleaned.replace(/\n{3,}/g, "\n\n").trim();
}

/** Pure: break mentions, references and autolinks apart with zero-width spaces. */
function defang(text: string): string {
  return text
    .replace(/@/g, `@${ZWSP}`)
    .replace(/#/g, `#${ZWSP}`)
    .replace(/\bGH-(?=\d)/gi, (m) => `${m}${ZWSP}`)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, -1)}${ZWSP}.`);
}

/** Pure: untrusted prose for an issue body or comment, outside code. */
export function githubText(text: string, singleLine = false): string {
  const escaped = clean(text, singleLine)
    .replace(MARKDOWN, (c) => `\\${c}`)
    // Line starts that open a block: headings, quotes, lists, thematic breaks.
    .replace(/^(\s*)([>+=-]|\d+[.)])/gm, (_m, space: string, mark: string) => `${space}\\${mark}`);
  return defang(escaped);
}

/** Pure: untrusted text for an issue title (GitHub renders little there, but titles are shown everywhere). */
export function githubTitleText(text: string): string {
  return defang(clean(text, true).replace(/`/g, "'"));
}

/** Pure: an untrusted identifier as an inline code span (mentions and links do not work inside code). */
export function githubCode(text: string, maxCodePoints = 200): string {
  const body = truncateCodePoints(clean(text, true), maxCodePoints);
  const longestRun = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longestRun + 1);
  // A space on each side keeps a leading or trailing backtick inside the span (GitHub strips one each side).
  const pad = /^`|`$/.test(body) || body === "" ? " " : "";
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/** Pure: untrusted text as a fenced code block whose fence no line inside can match. */
export function codeBlock(text: string, language = "text", maxCodePoints = 4000): string {
  const body = truncateCodePoints(unmark(redactText(text).replace(CONTROLS, " ")), maxCodePoints);
  const longestRun = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${body}\n${fence}`;
}
