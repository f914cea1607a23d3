/** Renders benchmark results as the Markdown table the README shows. */
import type { BenchResult, Metric } from './result.ts';
import type { Machine } from './machine.ts';

function num(v: number | null | undefined, unit = ''): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  const text = abs >= 1000 ? Math.round(v).toLocaleString('en-US') : abs >= 100 ? v.toFixed(0) : abs >= 10 ? v.toFixed(1) : v.toFixed(2);
  return unit ? `${text} ${unit}` : text;
}

function verdict(m: Metric): string {
  if (m.met === true) return '✅';
  if (m.met === false) return '❌';
  return '';
}

function row(r: BenchResult, m: Metric): string {
  const target = m.target ? `${m.target} ${verdict(m)}`.trim() : '';
  const cells = [r.title, m.name, num(m.value, m.unit), m.baseline === undefined ? '' : num(m.baseline, m.unit), m.ratio === undefined ? '' : num(m.ratio), target, m.note ?? ''];
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

/** One table for all results, then each benchmark's notes. */
export function resultsMarkdown(results: BenchResult[], machine?: Machine): string {
  const lines: string[] = [];
  if (machine) lines.push(`Machine: ${machine.cpu}, ${machine.cores} cores, ${Math.round(machine.memoryGiB)} GiB RAM, Node ${machine.node}, ${machine.os}; load average at start ${machine.loadAverage.map((l) => l.toFixed(1)).join(' / ')}; ${machine.date}.`, '');
  lines.push('| Benchmark | Measure | Value | Baseline (same run) | Ratio | Target | Note |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) for (const m of r.metrics) lines.push(row(r, m));
  const withNotes = results.filter((r) => r.notes.length > 0);
  if (withNotes.length) {
    lines.push('');
    for (const r of withNotes) {
      lines.push(`**${r.title}** (${Object.entries(r.params).map(([k, v]) => `${k} ${typeof v === 'number' ? v.toLocaleString('en-US') : String(v)}`).join(', ')})`, '');
      for (const n of r.notes) lines.push(`- ${n}`);
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
