import type { z } from 'zod';
import type { ReachableItem, SecretFieldInfo } from '../../shared/schemas.ts';
import type { HttpClient, HttpProfile } from '../http/client.ts';

/** A log line a connector writes; the engine stores it with the run. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type ConnectorLog = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/** Everything a connector may use. It never touches SQLite, the keychain or Electron. */
export interface ConnectorContext<S> {
  integrationId: string;
  integrationName: string;
  settings: S;
  secrets: Readonly<Record<string, string>>;
  /** The HTTP client configured from the connector's `http()` profile. */
  http: HttpClient;
  log: ConnectorLog;
  signal: AbortSignal;
  now: () => Date;
  /**
   * External ids the mirror holds for the running stream (optionally in one
   * container), for deletion censuses. Set by the engine while a stream runs.
   */
  knownIds?: (container?: string) => string[];
  /**
   * What the streams of one run share (set by the engine while a run goes):
   * e.g. one server session or one lookup of space ids for all streams.
   */
  run?: RunScope;
  /** The token cache of an interactive sign-in (connectors with `signIn`); the core keeps it in the OS keychain. */
  tokenCache?: TokenCacheStore;
  /** Shows a device code to the user (CLI, dashboard) while `signIn` waits for them. */
  onDeviceCode?: (prompt: DeviceCodePrompt) => void;
  /** A client for another host of the same vendor (e.g. its login host), sharing dispatcher, accounting and redaction. */
  httpFor?: (profile: HttpProfile) => HttpClient;
  /** Teaches the redactor a secret the connector obtained at run time (an access or refresh token). */
  addSecret?: (value: string) => void;
}

/** Values shared by the streams of one run, and clean-up when the run ends. */
export interface RunScope {
  /** The value under `key` for this run, made by `make` the first time it is asked for. */
  shared<T>(key: string, make: () => T): T;
  /** Runs `fn` when the run's last stream has finished (also after a failure or cancel). */
  onEnd(fn: () => Promise<void> | void): void;
}

/** Where an interactive sign-in keeps its token cache; SQLite only learns that one is stored. */
export interface TokenCacheStore {
  load(): Promise<string | null>;
  save(data: string): Promise<void>;
}

/** What the user needs to finish a device-code sign-in on another device. */
export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  /** The vendor's own instruction, e.g. "To sign in, use a web browser to open …". */
  message: string;
  /** ISO time the code stops working. */
  expiresAt: string;
}

/** Interactive sign-in (OAuth device code) for a connector with no typed secret. */
export interface SignInSpec<S> {
  /** Keychain field of the token cache: account `<integrationId>/<cacheField>`. */
  cacheField: string;
  /** The step the user takes, e.g. "Sign in to SharePoint". */
  action: string;
  /** Runs the sign-in and resolves with who signed in. */
  run(ctx: ConnectorContext<S>): Promise<{ identity: string }>;
}

/** What `testConnection` reports: who you are, what you can reach. */
export interface TestReport {
  identity: string | null;
  scopes?: string[] | null;
  reachable: z.infer<typeof ReachableItem>[];
  /** Latency of the one cheap authenticated call, ms. */
  latencyMs?: number;
}

/** A normalized mirrored record, as connectors produce it. */
export interface SourceRecord {
  externalId: string;
  kind: string;
  title: string;
  url: string | null;
  status: string | null;
  author: string | null;
  /** ISO time the source says the item last changed. */
  updatedAt: string | null;
  /** The text full-text search indexes. */
  text: string;
  /** Where it lives (repository, project key, space, board). */
  container: string | null;
  raw: unknown;
}

/** One page of a stream. `state` is the cursor to resume from after this batch is stored. */
export interface Batch {
  /**
   * The page's records, or a function that maps them: the engine calls it
   * when it stores the batch, after it has asked the stream for the next page,
   * so mapping overlaps the next request's wait. It must not depend on
   * anything the stream changes after yielding.
   */
  records: SourceRecord[] | (() => SourceRecord[]);
  deletedIds?: string[];
  /** Items the connector saw but could not map (logged by the connector). */
  failed?: number;
  state: unknown;
}

export interface StreamSpec<S> {
  name: string;
  title: string;
  kind: string;
  read(ctx: ConnectorContext<S>, state: unknown): AsyncIterable<Batch>;
}

export interface ConnectorSpec<S = unknown> {
  id: string;
  title: string;
  description: string;
  settings: z.ZodType<S>;
  secretFields: SecretFieldInfo[];
  /** How to talk to the vendor for these settings and secrets. */
  http(settings: S, secrets: Readonly<Record<string, string>>): HttpProfile;
  /** Hosts this integration links to (for opening URLs in the system browser). */
  hosts(settings: S): string[];
  /** One cheap, authenticated call (or a few): who you are, what you can reach. */
  testConnection(ctx: ConnectorContext<S>): Promise<TestReport>;
  streams: StreamSpec<S>[];
  /** Streams that depend on the settings (e.g. one per configured table); `streams` when absent. */
  streamsFor?(settings: S): StreamSpec<S>[];
  /** The streams these settings ask for; all of them when absent. */
  enabledStreams?(settings: S): string[];
  /** Present when the connector signs in interactively instead of taking a typed secret. */
  signIn?: SignInSpec<S>;
}

/** Defines a connector with its settings type inferred from the schema. */
export function defineConnector<S>(spec: ConnectorSpec<S>): ConnectorSpec<S> {
  return spec;
}
