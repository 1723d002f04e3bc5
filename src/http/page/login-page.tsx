/** `GET /login`: one field, the token ai-monitor was configured with. */
import { Layout } from "./layout.js";

/** The login form; `failed` after a wrong token. */
export function LoginPage({ next, failed }: { next: string; failed: boolean }) {
  return (
    <Layout title="Log in" loggedIn={false}>
      <h1>Log in</h1>
      {failed ? (
        <p class="error" role="alert">
          That token is not the one ai-monitor is configured with.
        </p>
      ) : null}
      <form class="stack" method="post" action="/login" style="max-width:28em">
        <input type="hidden" name="next" value={next} />
        <label>
          Token (webhook.token, AI_MONITOR_WEBHOOK_TOKEN)
          <input
            type="password"
            name="token"
            required
            autocomplete="current-password"
            autofocus
            aria-invalid={failed ? "true" : undefined}
          />
        </label>
        <div>
          <button type="submit">Log in</button>
        </div>
      </form>
      <p class="muted">The session lasts 12 hours.</p>
    </Layout>
  );
}
