/** The frame of every page: document head, skip link, top bar (with log out when logged in), main. */
import type { Child } from "hono/jsx";
import { PAGE_CSS } from "./style.js";

/** Props of the frame. */
export interface LayoutProps {
  title: string;
  /** Show the log-out button (a token is configured). */
  loggedIn: boolean;
  children?: Child;
}

/** The whole HTML document around a page's content. */
export function Layout({ title, loggedIn, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{`${title} · ai-monitor`}</title>
        <style dangerouslySetInnerHTML={{ __html: PAGE_CSS }} />
      </head>
      <body>
        <a class="skip" href="#content">
          Skip to content
        </a>
        <header class="top">
          <a class="home" href="/">
            ai-monitor incidents
          </a>
          {loggedIn ? (
            <form method="post" action="/logout">
              <button class="secondary" type="submit">
                Log out
              </button>
            </form>
          ) : null}
        </header>
        <main id="content">{children}</main>
      </body>
    </html>
  );
}
