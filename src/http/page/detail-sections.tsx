/** Read-only parts of an incident's page: facts, diagnosis, deliveries and the context sent to the LLM. */
import type { ContextBundle, Diagnosis, Incident } from "../../domain/types.js";
import { deliveryState, deliveryUrl, iso, percent, ratePerHour, usd, utc } from "./format.js";

const Time = ({ ms }: { ms: number }) => <time datetime={iso(ms)}>{utc(ms)}</time>;

/** Counts, times and where the incident came from. */
export function Facts({ incident: i }: { incident: Incident }) {
  const rate = ratePerHour(i.count, i.firstSeen, i.lastSeen);
  return (
    <dl class="facts">
      <dt>Status</dt>
      <dd>
        <span class={`badge st-${i.status}`}>{i.status}</span>
        {i.resolvedAt !== null ? (
          <>
            {" "}
            since <Time ms={i.resolvedAt} />
            {i.resolvedBy ? ` by ${i.resolvedBy}` : ""}
          </>
        ) : null}
        {i.acknowledgedAt !== null ? (
          <>
            {" "}
            <span class="badge st-acked">acknowledged</span> <Time ms={i.acknowledgedAt} />
            {i.acknowledgedBy ? ` by ${i.acknowledgedBy}` : ""}
          </>
        ) : null}
      </dd>
      {i.resolutionNote ? (
        <>
          <dt>Resolution note</dt>
          <dd>{i.resolutionNote}</dd>
        </>
      ) : null}
      <dt>Severity</dt>
      <dd>
        <span class={`badge sev-${i.severity}`}>{i.severity}</span>
      </dd>
      <dt>Error code</dt>
      <dd>{i.errorCode ?? "none"}</dd>
      <dt>Target</dt>
      <dd>{i.target}</dd>
      <dt>Occurrences</dt>
      <dd>
        {i.firstSeen === i.lastSeen ? (
          <>
            {i.count} at <Time ms={i.firstSeen} />
          </>
        ) : (
          <>
            {i.count} between <Time ms={i.firstSeen} /> and <Time ms={i.lastSeen} />
          </>
        )}
        {rate !== null ? ` (about ${rate} per hour)` : ""}
      </dd>
      <dt>Detected</dt>
      <dd>
        <Time ms={i.createdAt} /> from {i.source}
        {i.suppressed ? ` (alerted no one: ${i.suppressed})` : ""}
      </dd>
      {i.requestId ? (
        <>
          <dt>Request id</dt>
          <dd>{i.requestId}</dd>
        </>
      ) : null}
      {i.filename ? (
        <>
          <dt>Source</dt>
          <dd>
            {i.filename}
            {i.lineNumber !== null ? `:${i.lineNumber}` : ""}
          </dd>
        </>
      ) : null}
      <dt>Message</dt>
      <dd>
        <pre>{i.message}</pre>
      </dd>
    </dl>
  );
}

/** The diagnosis, or why there is none yet. */
export function DiagnosisSection({ diagnosis: d }: { diagnosis: Diagnosis | null }) {
  if (!d) return <p>Not diagnosed yet: the worker has not reached this incident.</p>;
  return (
    <>
      <dl class="facts">
        <dt>Root cause</dt>
        <dd>{d.rootCause}</dd>
        <dt>Impact</dt>
        <dd>{d.impact}</dd>
        <dt>Confidence</dt>
        <dd>{percent(d.confidence)}</dd>
        <dt>Diagnosed by</dt>
        <dd>
          {d.by === "offline" ? "offline catalog" : d.by}, cost {usd(d.costUsd)}
          {d.skippedReason ? ` (no LLM diagnosis: ${d.skippedReason})` : ""}
        </dd>
        {d.evidence && d.evidence.length > 0 ? (
          <>
            <dt>Evidence</dt>
            <dd>{d.evidence.join(", ")}</dd>
          </>
        ) : null}
        {d.runbookUrl && deliveryUrl({ remoteRef: d.runbookUrl }) ? (
          <>
            <dt>Runbook</dt>
            <dd>
              <a href={d.runbookUrl} rel="noreferrer noopener">
                {d.runbookUrl}
              </a>
            </dd>
          </>
        ) : null}
      </dl>
      <h3>Recommendation</h3>
      <ol>
        {d.recommendation.map((step) => (
          <li>{step}</li>
        ))}
      </ol>
      {d.fixSuggestion ? (
        <>
          <h3>Suggested fix</h3>
          <pre>{d.fixSuggestion}</pre>
        </>
      ) : null}
    </>
  );
}

/** Each sink's delivery, linked where the reference is a URL. */
export function Deliveries({ incident }: { incident: Incident }) {
  if (incident.deliveries.length === 0) return <p>Nothing delivered yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Where</th>
          <th scope="col">State</th>
          <th scope="col">Reference</th>
          <th scope="col">Updated</th>
        </tr>
      </thead>
      <tbody>
        {incident.deliveries.map((d) => {
          const url = deliveryUrl(d);
          return (
            <tr>
              <td>{d.sink}</td>
              <td>
                {deliveryState(d)}
                {d.lastError ? <div class="muted">{d.lastError.slice(0, 300)}</div> : null}
              </td>
              <td>
                {url ? (
                  <a href={url} rel="noreferrer noopener">
                    {url.replace(/^https?:\/\/(www\.)?/, "")}
                  </a>
                ) : (
                  (d.remoteRef ?? "—")
                )}
              </td>
              <td>
                <Time ms={d.updatedAt} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The context bundle as stored (already redacted when gathered): what the diagnoser was shown. */
export function ContextSection({ context }: { context: ContextBundle | null }) {
  if (!context) return <p>No context was gathered for this incident.</p>;
  const redactions = Object.entries(context.redactions ?? {}).filter(([, n]) => n > 0);
  return (
    <>
      <p class="muted">
        {context.items.length} item{context.items.length === 1 ? "" : "s"}
        {context.tokens ? `, about ${context.tokens.estimated} of ${context.tokens.budget} tokens` : ""}
        {redactions.length > 0
          ? `; redacted before sending: ${redactions.map(([k, n]) => `${n} ${k}`).join(", ")}`
          : ""}
      </p>
      {context.partial.length > 0 ? (
        <ul>
          {context.partial.map((reason) => (
            <li>incomplete: {reason}</li>
          ))}
        </ul>
      ) : null}
      {context.items.map((item) => (
        <details>
          <summary>
            {item.title} <span class="muted">({item.id})</span>
          </summary>
          <pre>{item.text}</pre>
        </details>
      ))}
    </>
  );
}
