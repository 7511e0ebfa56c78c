import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SectionRecord {
  finishedAt: string;
  durationSeconds: number;
  skipped?: string;
  error?: string;
  data: unknown;
}

export interface ResultsFile {
  updatedAt: string;
  machine: { node: string; platform: string; cpus: number; cpuModel: string; memoryGiB: number };
  sections: Record<string, SectionRecord>;
}

export function machineInfo(): ResultsFile['machine'] {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

/**
 * Merges the sections just run into the results file, so `npm run bench -- ttft` refreshes one
 * section without erasing the others; each section keeps the time it was measured.
 */
export function mergeResults(file: string, records: Record<string, SectionRecord>, now = new Date()): ResultsFile {
  let previous: ResultsFile | undefined;
  if (existsSync(file)) {
    try {
      previous = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
    } catch {
      previous = undefined;
    }
  }
  const merged: ResultsFile = {
    updatedAt: now.toISOString(),
    machine: machineInfo(),
    sections: { ...(previous?.sections ?? {}), ...records },
  };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}
