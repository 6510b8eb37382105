// hono/jsx trees as HTML for the page shell of src/web/html.ts (page() takes a Raw): one rendering helper for
// every .tsx view. All components of the project are synchronous, so a tree renders to a string at once.
import type { Child } from 'hono/jsx';
import { type Raw, raw } from './html.ts';

/** A rendered JSX tree as its HTML (escaped by JSX as it was rendered). */
export function toHtml(node: Child): string {
  const out = (node as { toString(): string | Promise<string> }).toString();
  if (typeof out !== 'string') throw new TypeError('views render synchronously (no async components)');
  return out;
}

/** A JSX tree as the Raw that src/web/html.ts page() embeds. */
export const jsxRaw = (node: Child): Raw => raw(toHtml(node));
