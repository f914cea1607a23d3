import type { StreamSpec } from '../types.ts';
import type { GitHubSettings } from './spec.ts';

/** Streams of the GitHub connector. */
export const githubStreams: StreamSpec<GitHubSettings>[] = [];
