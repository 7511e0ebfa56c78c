// Summarises a V8 .cpuprofile: the top functions and files by self time.
//   npx tsx bench/lib/cpu-profile.ts <file.cpuprofile> [top]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Self time in ms per key, from sample counts and the profile's mean sampling interval. */
export function selfTimes(
  profile: { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] },
  key: (node: ProfileNode) => string,
): Map<string, number> {
  const intervalMs = (profile.endTime - profile.startTime) / 1000 / Math.max(profile.samples.length, 1);
  const totals = new Map<string, number>();
  for (const node of profile.nodes) {
    const k = key(node);
    totals.set(k, (totals.get(k) ?? 0) + (node.hitCount ?? 0) * intervalMs);
  }
  return totals;
}

if (process.argv[2]) {
  const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const top = Number(process.argv[3] ?? 30);
  const short = (url: string) =>
    url
      .replace(/^file:\/\//, '')
      .replace(/.*node_modules\//, 'nm:')
      .replace(process.cwd() + '/', '');
  const print = (title: string, map: Map<string, number>) => {
    const total = [...map.values()].reduce((a, b) => a + b, 0);
    console.log(`\n${title} (total ${total.toFixed(0)} ms)`);
    for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`);
  };
  print(
    'by function',
    selfTimes(
      profile,
      (node) =>
        `${node.callFrame.functionName || '(anonymous)'} ${short(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`,
    ),
  );
  print(
    'by file',
    selfTimes(profile, (node) => short(node.callFrame.url) || node.callFrame.functionName),
  );
}
