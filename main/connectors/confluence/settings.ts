import { z } from 'zod';
import { atlassianSiteSettings } from '../atlassian-site.ts';

export const CONFLUENCE_STREAMS = ['pages', 'blogposts'] as const;

/** Settings of a Confluence Cloud integration. */
export const ConfluenceSettings = z
  .object({
    ...atlassianSiteSettings('confluence'),
    spaces: z
      .array(
        z
          .string()
          .trim()
          // Space keys are letters and digits; personal spaces are "~" plus an account id.
          .regex(/^(~[A-Za-z0-9:_-]+|[A-Za-z0-9]{1,255})$/, 'use space keys such as ENG or DOCS (personal spaces start with ~)'),
        { error: 'list the keys of the spaces to mirror, e.g. ["ENG"]' },
      )
      .min(1, 'list at least one space key, e.g. ENG')
      .transform((keys) => [...new Set(keys)])
      .describe('Keys of the spaces to mirror, e.g. ENG (shown in the space URL: /wiki/spaces/ENG)'),
    streams: z.array(z.enum(CONFLUENCE_STREAMS)).min(1).optional().describe('What to mirror; pages and blogposts when left out'),
  })
  .strict();
export type ConfluenceSettings = z.infer<typeof ConfluenceSettings>;
