/**
 * The page's only stylesheet, inlined (one request, no build step). Colours keep at least 4.5:1 contrast
 * (WCAG AA) on their backgrounds; focus is always visible; under 700px tables turn into stacked cards.
 */
export const PAGE_CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #4a5561; --line: #d0d7de; --bg: #ffffff; --soft: #f4f6f8;
  --link: #0a58ca; --focus: #b35900; --ok: #116329; --bad: #a40e26; --warn: #7d4e00; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  background: var(--bg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible,
summary:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; }
header.top { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; justify-content: space-between;
  padding: 10px 16px; border-bottom: 1px solid var(--line); background: var(--soft); }
header.top a.home { font-weight: 700; color: var(--fg); text-decoration: none; }
main { max-width: 1100px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.5rem; margin: 0.2em 0 0.4em; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 1.6em 0 0.5em; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.muted { color: var(--muted); }
.notice { padding: 8px 12px; border-left: 4px solid var(--ok); background: #eef7f0; margin: 12px 0; }
.error { padding: 8px 12px; border-left: 4px solid var(--bad); background: #fbeff1; margin: 12px 0; }
form.filters { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: flex-end; margin: 8px 0 16px; }
form.filters label, form.stack label { display: flex; flex-direction: column; font-size: 0.9rem; gap: 2px; }
input, select, textarea, button { font: inherit; min-height: 44px; padding: 6px 10px; border: 1px solid #6e7781;
  border-radius: 6px; background: var(--bg); color: var(--fg); }
textarea { min-height: 5em; width: 100%; }
button { background: #1f6feb; border-color: #1f6feb; color: #fff; font-weight: 600; cursor: pointer; }
button.secondary { background: var(--bg); color: var(--fg); border-color: #6e7781; }
table { width: 100%; border-collapse: collapse; font-size: 0.95rem; }
th, td { text-align: left; padding: 8px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 0.85rem; color: var(--muted); }
td.title a { font-weight: 600; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 0.85rem; font-weight: 600;
  border: 1px solid currentColor; white-space: nowrap; }
.sev-critical { color: var(--bad); } .sev-high { color: #9a3412; } .sev-medium { color: var(--warn); }
.sev-low { color: var(--muted); } .st-open { color: var(--bad); } .st-resolved { color: var(--ok); }
.st-acked { color: var(--warn); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
pre { background: var(--soft); border: 1px solid var(--line); padding: 8px; overflow-x: auto; white-space: pre-wrap;
  overflow-wrap: anywhere; font-size: 0.85rem; max-height: 28em; }
details { margin: 6px 0; } summary { cursor: pointer; min-height: 32px; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 10px; }
.verdicts { display: flex; flex-wrap: wrap; gap: 10px; }
form.stack details label { margin-top: 8px; }
form.filters a { align-self: center; }
.actions { display: flex; flex-wrap: wrap; gap: 16px; }
.actions form { flex: 1 1 280px; border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
form.stack { display: flex; flex-direction: column; gap: 10px; }
nav.pages { margin: 16px 0; }
@media (max-width: 700px) {
  table.incidents thead { position: absolute; left: -999px; }
  table.incidents tr { display: block; border: 1px solid var(--line); border-radius: 6px; margin-bottom: 10px; padding: 6px; }
  table.incidents td { display: block; border: 0; padding: 2px 4px; }
  table.incidents td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: 0.85rem; }
  dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: 6px; }
}
`;
