import { z } from 'zod';
import { atlassianSiteSettings } from '../atlassian-site.ts';

const PROJECT_KEY = /^[A-Z][A-Z0-9_]{1,9}$/;

/** Settings of a Jira Cloud integration. */
export const JiraSettings = z
  .object({
    ...atlassianSiteSettings('jira'),
    projects: z
      .array(
        z
          .string()
          .trim()
          .toUpperCase()
          .regex(PROJECT_KEY, 'use project keys such as ENG or OPS: a letter, then letters, digits or _, 2 to 10 characters'),
        { error: 'list the keys of the projects to mirror, e.g. ["ENG", "OPS"]' },
      )
      .min(1, 'list at least one project key, e.g. ENG')
      .transform((keys) => [...new Set(keys)])
      .describe('Keys of the projects to mirror, e.g. ENG'),
    jql: z
      .string()
      .trim()
      .max(2000, 'keep the extra JQL under 2000 characters')
      .refine((q) => !/\border\s+by\b/i.test(q), 'leave out ORDER BY: the sync orders by update time itself')
      .optional()
      .transform((q) => (q ? q : undefined))
      .describe('Optional extra JQL every mirrored issue must also match, e.g. statusCategory != Done'),
  })
  .strict();
export type JiraSettings = z.infer<typeof JiraSettings>;
