/** The reaction poller the configuration asks for: GitHub credentials and `feedback.githubReactionPoll` > 0. */
import type { Config } from "../../config/schema.js";
import type { Logger } from "../../log.js";
import type { Store } from "../../store/store.js";
import { createGithubClient } from "./github-client.js";
import { createReactionPoller, type ReactionPoller } from "./reaction-verdicts.js";

/** Build the poller (not started), or null when GitHub is not configured or polling is off. */
export function reactionPollerFromConfig(
  config: Pick<Config, "github">,
  deps: { store: Store; log: Logger; now: () => number; fetch?: typeof fetch },
): ReactionPoller | null {
  const { token, repository, apiUrl, reactionPollMs: intervalMs } = config.github;
  if (!token || !repository || intervalMs <= 0) return null;
  const log = deps.log.child({ poll: "github-reactions", repository });
  const client = createGithubClient({ token, apiUrl, log, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  return createReactionPoller({ client, repository, store: deps.store, log, now: deps.now, intervalMs });
}
