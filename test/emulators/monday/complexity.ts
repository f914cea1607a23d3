/**
 * A deterministic stand-in for monday.com's query complexity: every field
 * costs a point, and a list field multiplies the cost of its selection by how
 * many elements it may return (items_page/next_items_page: `limit`, updates:
 * `limit`, boards/items: the number of ids or `limit`, column_values/groups/
 * columns: 10). The real formula is not published; what matters for clients is
 * that bigger pages and deeper selections cost more, that `complexity` itself
 * is free, and that the numbers are reported back.
 */
import { Kind, type DocumentNode, type FieldNode, type SelectionSetNode, type ValueNode } from 'graphql';

function argValue(node: ValueNode | undefined, vars: Record<string, unknown>): unknown {
  if (!node) return undefined;
  switch (node.kind) {
    case Kind.VARIABLE:
      return vars[node.name.value];
    case Kind.INT:
      return Number(node.value);
    case Kind.LIST:
      return node.values.map((v) => argValue(v, vars));
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    default:
      return undefined;
  }
}

function multiplier(field: FieldNode, vars: Record<string, unknown>): number {
  const arg = (name: string) => argValue(field.arguments?.find((a) => a.name.value === name)?.value, vars);
  const name = field.name.value;
  const limit = Number(arg('limit'));
  const ids = arg('ids');
  switch (name) {
    case 'items_page':
    case 'next_items_page':
    case 'updates':
      return Number.isFinite(limit) && limit > 0 ? limit : 25;
    case 'items':
      // ItemsResponse.items carries no arguments: its page size is already counted by the page.
      if (!field.arguments?.length) return 1;
      return Array.isArray(ids) ? ids.length : Number.isFinite(limit) && limit > 0 ? limit : 25;
    case 'boards':
      return Array.isArray(ids) ? ids.length : Number.isFinite(limit) && limit > 0 ? limit : 25;
    case 'column_values':
    case 'groups':
    case 'columns':
      return 10;
    default:
      return 1;
  }
}

function selectionCost(set: SelectionSetNode | undefined, vars: Record<string, unknown>): number {
  if (!set) return 0;
  let total = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.INLINE_FRAGMENT) {
      total += selectionCost(s.selectionSet, vars);
      continue;
    }
    if (s.kind !== Kind.FIELD) continue;
    if (s.name.value === 'complexity' || s.name.value === '__typename') continue;
    total += s.selectionSet ? 1 + multiplier(s, vars) * selectionCost(s.selectionSet, vars) : 1;
  }
  return total;
}

/** The complexity points a document costs with these variables. */
export function queryComplexity(doc: DocumentNode, vars: Record<string, unknown>): number {
  let total = 0;
  for (const def of doc.definitions) if (def.kind === Kind.OPERATION_DEFINITION) total += selectionCost(def.selectionSet, vars);
  return Math.max(1, total);
}
