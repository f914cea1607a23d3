import { z } from 'zod';

/**
 * The cursor of the `issues` stream, stored by the engine with each batch.
 * Invariant: every in-scope issue whose `updated` is before `since` is stored.
 */
export const IssuesState = z.object({
  v: z.literal(1),
  /** What `since` and `known` were read for: the effective project keys and the extra JQL. */
  scope: z.object({ projects: z.array(z.string()), jql: z.string().nullable() }),
  /** Epoch ms; null until a first full read has finished a page. */
  since: z.number().nullable(),
  /** Epoch ms of the last census (or of the first full read, which needs none). */
  lastCensusAt: z.number().nullable(),
  /** Browsable site root (the api.atlassian.com gateway has none of its own). */
  siteBase: z.string().nullable(),
});
export type IssuesState = z.infer<typeof IssuesState>;

/**
 * The state to resume from; anything unreadable (older format, corruption)
 * starts over. The census compares against the mirror's own ids
 * (ctx.knownIds), so an older state's `known` list is dropped on reading.
 */
export function loadIssuesState(raw: unknown): { state: IssuesState; fresh: boolean } {
  const parsed = IssuesState.safeParse(raw);
  if (parsed.success) return { state: structuredClone(parsed.data), fresh: false };
  return { state: { v: 1, scope: { projects: [], jql: null }, since: null, lastCensusAt: null, siteBase: null }, fresh: true };
}
