/** `GET /incidents/:id`: one incident, its diagnosis and context, and the one-click verdict, ack and resolve forms. */
import type { Incident } from "../../domain/types.js";
import { GITHUB_REVIEWER_PREFIX } from "../../report/feedback-input.js";
import type { DiagnosisFeedback } from "../../store/store.js";
import { ContextSection, Deliveries, DiagnosisSection, Facts } from "./detail-sections.js";
import { iso, utc } from "./format.js";
import { Layout } from "./layout.js";

/** Props of the incident page. */
export interface DetailPageProps {
  incident: Incident;
  feedback: readonly DiagnosisFeedback[];
  /** What the last form did, shown once after its redirect. */
  notice: string | null;
  loggedIn: boolean;
}

function Verdicts({ feedback }: { feedback: readonly DiagnosisFeedback[] }) {
  if (feedback.length === 0) return <p>No verdict yet.</p>;
  return (
    <ul>
      {feedback.map((f) => (
        <li>
          <strong>{f.verdict}</strong> by{" "}
          {f.reviewer.startsWith(GITHUB_REVIEWER_PREFIX)
            ? `${f.reviewer.slice(GITHUB_REVIEWER_PREFIX.length)} (GitHub reaction)`
            : f.reviewer}{" "}
          <time datetime={iso(f.at)}>{utc(f.at)}</time>
          {f.note ? <div class="muted">{f.note}</div> : null}
        </li>
      ))}
    </ul>
  );
}

function VerdictForm({ incident }: { incident: Incident }) {
  if (!incident.diagnosis) return <p class="muted">A verdict can be given once the incident is diagnosed.</p>;
  // One click: each answer is its own submit button; the note and the name are optional extras.
  return (
    <form class="stack" method="post" action={`/incidents/${encodeURIComponent(incident.id)}/verdict`}>
      <fieldset>
        <legend>Was this diagnosis right?</legend>
        <div class="verdicts">
          <button type="submit" name="verdict" value="correct">
            Correct
          </button>
          <button type="submit" name="verdict" value="partial" class="secondary">
            Partly right
          </button>
          <button type="submit" name="verdict" value="wrong" class="secondary">
            Wrong
          </button>
        </div>
      </fieldset>
      <details>
        <summary>Add a note or your name (optional)</summary>
        <label>
          Note
          <textarea name="note" maxlength={2000} />
        </label>
        <label>
          Your name (a later verdict under the same name replaces it)
          <input name="by" maxlength={100} autocomplete="name" />
        </label>
      </details>
    </form>
  );
}

function StateForms({ incident, acked }: { incident: Incident; acked: boolean }) {
  const base = `/incidents/${encodeURIComponent(incident.id)}`;
  if (incident.status === "resolved") return <p>This incident is resolved; a recurrence reopens it.</p>;
  return (
    <div class="actions">
      {acked ? null : (
        <form class="stack" method="post" action={`${base}/ack`}>
          <label>
            Your name (optional)
            <input name="by" maxlength={100} autocomplete="name" />
          </label>
          <div>
            <button type="submit">Acknowledge</button>
          </div>
        </form>
      )}
      <form class="stack" method="post" action={`${base}/resolve`}>
        <label>
          Resolution note (optional)
          <textarea name="note" maxlength={2000} />
        </label>
        <label>
          Your name (optional)
          <input name="by" maxlength={100} autocomplete="name" />
        </label>
        <div>
          <button type="submit">Resolve</button>
        </div>
      </form>
    </div>
  );
}

/** The incident page. */
export function DetailPage({ incident, feedback, notice, loggedIn }: DetailPageProps) {
  const title = incident.diagnosis?.title ?? incident.message.slice(0, 200);
  return (
    <Layout title={`#${incident.id} ${title}`} loggedIn={loggedIn}>
      <p>
        <a href="/">← All incidents</a>
      </p>
      <h1>
        <span class="muted">#{incident.id}</span> {title}
      </h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <Facts incident={incident} />
      <h2 id="diagnosis">Diagnosis</h2>
      <DiagnosisSection diagnosis={incident.diagnosis} />
      <h2 id="verdict">Verdict</h2>
      <Verdicts feedback={feedback} />
      <VerdictForm incident={incident} />
      <h2 id="state">Acknowledge or resolve</h2>
      <StateForms incident={incident} acked={incident.acknowledgedAt !== null} />
      <h2 id="deliveries">Deliveries</h2>
      <Deliveries incident={incident} />
      <h2 id="context">Context sent to the LLM</h2>
      <ContextSection context={incident.context} />
    </Layout>
  );
}
