/**
 * Untrusted text (log lines, and diagnoses that quote them) made inert for Discord: no mention can ping, no
 * link is live, no Markdown changes what the alert says. `allowed_mentions: {parse: []}` already stops pings;
 * this is the second lock, and it also keeps the text from *looking* like a mention or a link.
 * @see https://discord.com/developers/docs/reference#message-formatting
 */
import { redactText } from "../../domain/redact.js";
import { truncateCodePoints } from "../truncate.js";

/** Zero-width space: invisible, but it breaks `@everyone`, `<@&id>` and `https://` apart. */
export const ZWSP = "\u200b";

// C0/C1 controls except newline, plus bidirectional overrides that can make text read backwards.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROLS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
const MARKDOWN = /[\\*_~`|<>#[\]()-]/g;

/** Pure: control characters removed, secrets redacted, newlines collapsed when `singleLine`. */
export function cleanText(text: string, singleLine: boolean): string {
  const cleaned = redactText(text).replace(CONTROLS, " ");
  return singleLine ? cleaned.replace(/\s*\n\s*/g, " ").trim() : cleaned.replace(/\n{3,}/g, "\n\n").trim();
}

/** Pure: break mentions, links and invites apart with zero-width spaces. */
export function defang(text: string): string {
  return text
    .replace(/@/g, `@${ZWSP}`)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/discord(?=(?:app)?\.(?:gg|com|me|io)\b)/gi, `discord${ZWSP}`);
}

/** Pure: untrusted prose for an embed title, description or field value. */
export function discordText(text: string, singleLine = false): string {
  return defang(cleanText(text, singleLine).replace(MARKDOWN, (c) => `\\${c}`));
}

/** Pure: an untrusted identifier (target, request id) as an inline code span of at most `maxCodePoints`. */
export function discordCode(text: string, maxCodePoints = 256): string {
  // A backtick would close the span early; U+02CB looks the same and cannot. Cut inside, keep both ticks.
  const body = truncateCodePoints(defang(cleanText(text, true).replace(/`/g, "ˋ")), maxCodePoints - 2);
  return `\`${body || " "}\``;
}

/** Pure: untrusted text where Discord renders no Markdown (footer, author): only cleaned and defanged. */
export function discordPlain(text: string): string {
  return defang(cleanText(text, true));
}
