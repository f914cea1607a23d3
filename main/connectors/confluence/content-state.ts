import { z } from 'zod';

const SpaceCursor = z.object({
  id: z.string(),
  /** Newest modified date fully stored (ISO). */
  watermark: z.string().nullable(),
  /** Relative URL of the next page of an unfinished listing. */
  next: z.string().nullable(),
  /** Newest modified date seen by the unfinished listing. */
  pendingMax: z.string().nullable(),
  /** The unfinished listing stops at pages older than this. */
  stopAt: z.string().nullable(),
});
export type SpaceCursor = z.infer<typeof SpaceCursor>;

/** The cursor of a `pages` or `blogposts` stream: one listing position per space. */
export const ContentState = z.object({
  v: z.literal(1),
  spaces: z.record(z.string(), SpaceCursor),
  lastCensusAt: z.number().nullable(),
  /** The site's /wiki base, from `_links.base`, for building page URLs. */
  wikiBase: z.string().nullable(),
});
export type ContentState = z.infer<typeof ContentState>;

/**
 * The state to resume from; anything unreadable starts over. The ids the
 * census compares against are the mirror's own (ctx.knownIds), not kept here:
 * an older state's `known` list is dropped on reading.
 */
export function loadContentState(raw: unknown): { state: ContentState; fresh: boolean } {
  const parsed = ContentState.safeParse(raw);
  if (parsed.success) return { state: structuredClone(parsed.data), fresh: false };
  return { state: { v: 1, spaces: {}, lastCensusAt: null, wikiBase: null }, fresh: true };
}
