/**
 * What a page's JS heap holds, by constructor: a heap snapshot taken over CDP, its nodes' self
 * sizes summed by name. Two summaries side by side show what grew (bench/screen-soak.ts --heap-diff),
 * which says whether growth is a leak (listeners, closures, detached DOM) or the day's content.
 */
import type { CDPSession } from 'playwright-core';

export type HeapSummary = Map<string, { count: number; bytes: number }>;

interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export async function heapSummary(cdp: CDPSession): Promise<HeapSummary> {
  const chunks: string[] = [];
  const onChunk = (e: { chunk: string }) => chunks.push(e.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const snap = JSON.parse(chunks.join('')) as SnapshotJson;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const summary: HeapSummary = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!];
    // objects by constructor; strings, code and arrays each as one group (their names are their contents)
    const name = type === 'object' || type === 'closure' ? `${type}:${snap.strings[snap.nodes[i + nameAt]!]}` : `(${type})`;
    const entry = summary.get(name) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snap.nodes[i + sizeAt]!;
    summary.set(name, entry);
  }
  return summary;
}

/** The `top` names whose bytes grew most from `before` to `after`, as table rows. */
export function heapGrowth(before: HeapSummary, after: HeapSummary, top = 15): string[] {
  const rows = [...after].map(([name, a]) => {
    const b = before.get(name) ?? { count: 0, bytes: 0 };
    return { name, dCount: a.count - b.count, dBytes: a.bytes - b.bytes, bytes: a.bytes };
  });
  rows.sort((x, y) => y.dBytes - x.dBytes);
  return rows
    .slice(0, top)
    .map(
      (r) =>
        `| ${r.name.slice(0, 60)} | ${r.dCount >= 0 ? '+' : ''}${r.dCount} | ${r.dBytes >= 0 ? '+' : ''}${(r.dBytes / 1024).toFixed(1)} KB | ${(r.bytes / 1024).toFixed(1)} KB |`,
    );
}
