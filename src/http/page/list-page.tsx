/** `GET /`: incidents newest first, the filter form, and a link to the next (older) page. */
import type { Incident } from "../../domain/types.js";
import type { DiagnosisFeedback } from "../../store/store.js";
import { iso, utc } from "./format.js";
import { Layout } from "./layout.js";

/** The filter fields as typed (re-shown in the form). */
export interface FilterValues {
  status?: string;
  severity?: string;
  code?: string;
  since?: string;
  until?: string;
}

/** Props of the list page. */
export interface ListPageProps {
  incidents: readonly Incident[];
  feedback: ReadonlyMap<string, readonly DiagnosisFeedback[]>;
  values: FilterValues;
  /** Link to the next page, or null on the last one. */
  olderHref: string | null;
  /** Why the filter was refused (shown instead of the list), if it was. */
  problems: readonly string[];
  loggedIn: boolean;
}

const SINCE_CHOICES = [
  ["", "any time"],
  ["1h", "last hour"],
  ["24h", "last 24 hours"],
  ["7d", "last 7 days"],
  ["30d", "last 30 days"],
] as const;

function Filters({ values }: { values: FilterValues }) {
  const custom = values.since && !SINCE_CHOICES.some(([v]) => v === values.since);
  return (
    <form class="filters" method="get" action="/" aria-label="Filter incidents">
      <label>
        Status
        <select name="status">
          {[
            ["", "any"],
            ["open", "open"],
            ["resolved", "resolved"],
          ].map(([value, text]) => (
            <option value={value} selected={values.status === value}>
              {text}
            </option>
          ))}
        </select>
      </label>
      <label>
        Severity
        <select name="severity">
          {["", "critical", "critical,high", "high", "medium", "low"].map((value) => (
            <option value={value} selected={(values.severity ?? "") === value}>
              {value === "" ? "any" : value === "critical,high" ? "critical or high" : value}
            </option>
          ))}
          {values.severity &&
          !["critical", "critical,high", "high", "medium", "low"].includes(values.severity) ? (
            <option value={values.severity} selected>
              {values.severity}
            </option>
          ) : null}
        </select>
      </label>
      <label>
        Error code
        <input name="code" value={values.code ?? ""} placeholder="e.g. DB_TIMEOUT" size={14} />
      </label>
      <label>
        Seen
        <select name="since">
          {SINCE_CHOICES.map(([value, text]) => (
            <option value={value} selected={(values.since ?? "") === value}>
              {text}
            </option>
          ))}
          {custom ? (
            <option value={values.since} selected>
              since {values.since}
            </option>
          ) : null}
        </select>
      </label>
      <button type="submit">Filter</button>
      <a href="/">Clear</a>
    </form>
  );
}

function verdictSummary(feedback: readonly DiagnosisFeedback[] | undefined): string {
  if (!feedback || feedback.length === 0) return "none yet";
  const count = (v: string) => feedback.filter((f) => f.verdict === v).length;
  return (["correct", "partial", "wrong"] as const)
    .filter((v) => count(v) > 0)
    .map((v) => `${count(v)} ${v}`)
    .join(", ");
}

function Row({ incident: i, feedback }: { incident: Incident; feedback?: readonly DiagnosisFeedback[] }) {
  const sent = i.deliveries.filter((d) => d.state === "sent" && !d.sink.endsWith(":resolved"));
  const failed = i.deliveries.filter((d) => d.state === "failed");
  return (
    <tr>
      <td data-label="Severity">
        <span class={`badge sev-${i.severity}`}>{i.severity}</span>
      </td>
      <td data-label="Status">
        <span class={`badge st-${i.status}`}>{i.status}</span>
      </td>
      <td class="title">
        <a href={`/incidents/${encodeURIComponent(i.id)}`}>{i.diagnosis?.title ?? i.message.slice(0, 200)}</a>
        <div class="muted">
          {i.errorCode ?? "no code"} · {i.target}
        </div>
      </td>
      <td data-label="Count">{i.count}</td>
      <td data-label="Last seen">
        <time datetime={iso(i.lastSeen)}>{utc(i.lastSeen)}</time>
      </td>
      <td data-label="Deliveries">
        {sent.length === 0 && failed.length === 0 ? "none" : sent.map((d) => d.sink).join(", ") || "—"}
        {failed.length > 0 ? (
          <span class="sev-critical"> (failed: {failed.map((d) => d.sink).join(", ")})</span>
        ) : null}
      </td>
      <td data-label="Verdicts">{verdictSummary(feedback)}</td>
    </tr>
  );
}

/** The incidents list. */
export function ListPage(props: ListPageProps) {
  const { incidents, feedback, values, olderHref, problems, loggedIn } = props;
  return (
    <Layout title="Incidents" loggedIn={loggedIn}>
      <h1>Incidents</h1>
      <Filters values={values} />
      {problems.length > 0 ? (
        <div class="error" role="alert">
          <p>These filters cannot be used:</p>
          <ul>
            {problems.map((p) => (
              <li>{p}</li>
            ))}
          </ul>
        </div>
      ) : incidents.length === 0 ? (
        <p>
          {Object.values(values).some(Boolean) ? "No incident matches these filters." : "No incidents yet."}
        </p>
      ) : (
        <table class="incidents">
          <caption class="muted" style="text-align:left">
            {incidents.length} incident{incidents.length === 1 ? "" : "s"}, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Status</th>
              <th scope="col">Incident</th>
              <th scope="col">Count</th>
              <th scope="col">Last seen</th>
              <th scope="col">Deliveries</th>
              <th scope="col">Verdicts</th>
            </tr>
          </thead>
          <tbody>
            {incidents.map((i) => (
              <Row incident={i} feedback={feedback.get(i.id)} />
            ))}
          </tbody>
        </table>
      )}
      {olderHref ? (
        <nav class="pages" aria-label="Pages">
          <a href={olderHref}>Older incidents →</a>
        </nav>
      ) : null}
    </Layout>
  );
}
