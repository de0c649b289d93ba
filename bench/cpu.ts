import { readdirSync, readFileSync } from 'node:fs';

/** Linux counts CPU time in clock ticks of 1/100 s (USER_HZ on every common architecture). */
const MS_PER_TICK = 10;

/**
 * CPU time (user + system) used so far by the live processes of a process
 * group, in ms. Each server the stack starts leads a group of its own (the
 * Temporal CLI wheel, for one, runs the server as its child).
 */
export function processGroupCpuMs(groupId: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the command name, which may hold spaces: state ppid pgrp ... utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== groupId) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * MS_PER_TICK;
}

/** CPU readings of named process groups; `since()` answers what each used after this call. */
export function startCpuReading(groups: Record<string, number | undefined>) {
  const known = Object.entries(groups).filter((entry): entry is [string, number] => entry[1] !== undefined);
  const before = new Map(known.map(([name, id]) => [name, processGroupCpuMs(id)]));
  return {
    since(): Record<string, number> {
      return Object.fromEntries(known.map(([name, id]) => [name, processGroupCpuMs(id) - (before.get(name) ?? 0)]));
    },
  };
}
