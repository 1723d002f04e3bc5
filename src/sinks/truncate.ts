/**
 * Truncation counted in Unicode code points, the unit Discord's limits use. Cutting UTF-16 code units instead
 * would split an emoji's surrogate pair and miscount every astral character as two.
 * @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 */

/** What a shortened text ends with. */
export const ELLIPSIS = "…";

/** Pure: length of `text` in code points (a lone surrogate counts as one). */
export function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Pure: the first `count` code points of `text`. */
export function firstCodePoints(text: string, count: number): string {
  if (count <= 0) return "";
  let taken = 0;
  let end = 0;
  while (end < text.length && taken < count) {
    const unit = text.charCodeAt(end);
    const pair =
      unit >= 0xd800 &&
      unit <= 0xdbff &&
      end + 1 < text.length &&
      (text.charCodeAt(end + 1) & 0xfc00) === 0xdc00;
    end += pair ? 2 : 1;
    taken++;
  }
  return text.slice(0, end);
}

/** Pure: `text` cut to at most `maxCodePoints` code points, ending with an ellipsis when it was cut. */
export function truncateCodePoints(text: string, maxCodePoints: number): string {
  if (codePointLength(text) <= maxCodePoints) return text;
  if (maxCodePoints <= 0) return "";
  if (maxCodePoints === 1) return ELLIPSIS;
  return `${firstCodePoints(text, maxCodePoints - 1).trimEnd()}${ELLIPSIS}`;
}
