import { readdirSync, readFileSync } from 'node:fs';

/** Linux counts CPU time in clock ticks of 1/100 s (USER_HZ on every common architecture). */
const MS_PER_TICK = 10;

interface ProcessTicks {
  pid: number;
  parent: number;
  group: number;
  ticks: number;
}

function liveProcesses(): ProcessTicks[] {
  const found: ProcessTicks[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the command name, which may hold spaces: state ppid pgrp ... utime(14) stime(15)
    // cutime(16) cstime(17). The last two are the children that ended and were waited for (PostgreSQL's
    // autovacuum workers and the backends of closed connections), which would otherwise go uncounted.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    found.push({
      pid: Number(entry),
      parent: Number(fields[1]),
      group: Number(fields[2]),
      ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]),
    });
  }
  return found;
}

/**
 * CPU time (user + system) used so far by the live processes of a process
 * group and their descendants, in ms. Each server the stack starts leads a
 * group of its own (the Temporal CLI wheel, for one, runs the server as its
 * child); PostgreSQL puts each of its backends in a session of its own, so
 * they are found as the server's children.
 */
export function processGroupCpuMs(groupId: number): number {
  const processes = liveProcesses();
  const counted = new Set(processes.filter((process) => process.group === groupId).map((process) => process.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const process of processes) {
      if (!counted.has(process.pid) && counted.has(process.parent)) {
        counted.add(process.pid);
        grew = true;
      }
    }
  }
  const ticks = processes.filter((process) => counted.has(process.pid)).reduce((sum, p) => sum + p.ticks, 0);
  return ticks * MS_PER_TICK;
}

/** CPU time of several process groups together (FerretDB and the PostgreSQL under it, say), in ms. */
function groupsCpuMs(groupIds: readonly number[]): number {
  return groupIds.reduce((sum, id) => sum + processGroupCpuMs(id), 0);
}

/**
 * CPU readings of named process groups (one or several per name);
 * `since()` answers what each used after this call.
 */
export function startCpuReading(groups: Record<string, number | readonly number[] | undefined>) {
  const known = Object.entries(groups)
    .map(([name, ids]): [string, readonly number[]] => [
      name,
      ids === undefined ? [] : typeof ids === 'number' ? [ids] : ids,
    ])
    .filter(([, ids]) => ids.length > 0);
  const before = new Map(known.map(([name, ids]) => [name, groupsCpuMs(ids)]));
  return {
    since(): Record<string, number> {
      return Object.fromEntries(known.map(([name, ids]) => [name, groupsCpuMs(ids) - (before.get(name) ?? 0)]));
    },
  };
}
