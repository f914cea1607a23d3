/**
 * The fix the ingest benchmark points at, as an experiment: a stream whose
 * next page is fetched while the engine stores the current one. The engine
 * awaits the connector's next batch only after its (synchronous) SQLite write,
 * so network wait and storage never overlap; this wrapper asks for batch k+1
 * as soon as batch k is handed over. The engine still stores each batch with
 * its own state in one transaction, in order, so crash safety is unchanged.
 */
import type { Batch, ConnectorSpec, StreamSpec } from '../../main/connectors/types.ts';

/** Runs `source` one batch ahead of its consumer. */
export async function* readAhead(source: AsyncIterable<Batch>): AsyncGenerator<Batch> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = it.next();
      // A failure of the prefetch surfaces when it is awaited, not as an unhandled rejection.
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    // The consumer stopped early (cancel, error): let the connector clean up.
    await it.return?.(undefined);
  }
}

/** The same connector with every stream read one batch ahead. */
export function withReadAhead<S>(spec: ConnectorSpec<S>): ConnectorSpec<S> {
  const wrap = (s: StreamSpec<S>): StreamSpec<S> => ({ ...s, read: (ctx, state) => readAhead(s.read(ctx, state)) });
  return { ...spec, streams: spec.streams.map(wrap), ...(spec.streamsFor ? { streamsFor: (settings: S) => spec.streamsFor!(settings).map(wrap) } : {}) };
}
