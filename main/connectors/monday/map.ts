import type { SourceRecord } from '../types.ts';

/** The item fields every listing asks for (column values, group, state, updates as text). */
export const ITEM_FIELDS =
  'id name state created_at updated_at url creator { name } group { id title } column_values { id type text column { title } } updates(limit: 20) { id text_body created_at creator { name } }';

export interface MondayItem {
  id: string;
  name: string;
  state?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  url?: string | null;
  creator?: { name?: string | null } | null;
  group?: { id: string; title: string } | null;
  column_values?: { id: string; type: string; text?: string | null; column?: { title?: string | null } | null }[];
  updates?: { id: string; text_body?: string | null; created_at?: string | null; creator?: { name?: string | null } | null }[] | null;
}

/** An item of a board as a mirrored record (kind `item`, id = the item id). */
export function mapItem(board: { id: string; name: string }, item: MondayItem): SourceRecord {
  const columns = item.column_values ?? [];
  const status = columns.find((c) => c.type === 'status' && c.text)?.text ?? null;
  const lines = [
    item.name,
    item.group ? `Group: ${item.group.title}` : '',
    ...columns.filter((c) => c.text).map((c) => `${c.column?.title ?? c.id}: ${c.text}`),
    ...(item.updates ?? []).filter((u) => u.text_body).map((u) => `Update by ${u.creator?.name ?? 'someone'} (${u.created_at ?? ''}): ${u.text_body}`),
  ];
  return {
    externalId: item.id,
    kind: 'item',
    title: item.name,
    url: item.url ?? null,
    status: status ?? item.group?.title ?? null,
    author: item.creator?.name ?? null,
    updatedAt: item.updated_at ?? null,
    text: lines.filter(Boolean).join('\n'),
    container: board.name,
    raw: { ...item, board },
  };
}
