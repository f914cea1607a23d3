import type { EventData, EventName } from '../../shared/contract.ts';

type Listener = (event: string, data: unknown) => void;

/** Pushes core events to every subscribed transport. A throwing listener never breaks the others. */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, data: EventData<E>): void {
    for (const l of this.listeners) {
      try {
        l(event, data);
      } catch {
        // A broken UI connection must not stop a sync.
      }
    }
  }
}
