import { z } from 'zod';

// Must run before any schema is built (main.tsx imports it first): zod decides
// per schema at construction whether to compile parsers with `new Function`,
// which the CSP forbids and reports as a violation even when zod catches it.
z.config({ jitless: true });
