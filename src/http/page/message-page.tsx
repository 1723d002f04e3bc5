/** A short page for refusals and missing things: a heading, a sentence, a way back. */
import { Layout } from "./layout.js";

/** Props of a message page. */
export interface MessagePageProps {
  title: string;
  lines: readonly string[];
  loggedIn: boolean;
  back?: string;
}

/** A refusal or "not found", as HTML. */
export function MessagePage({ title, lines, loggedIn, back = "/" }: MessagePageProps) {
  return (
    <Layout title={title} loggedIn={loggedIn}>
      <h1>{title}</h1>
      <div class="error" role="alert">
        {lines.map((line) => (
          <p>{line}</p>
        ))}
      </div>
      <p>
        <a href={back}>Back</a>
      </p>
    </Layout>
  );
}
