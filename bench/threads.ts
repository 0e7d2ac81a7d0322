/**
 * CPU time per thread of this process, from /proc (Linux only; empty elsewhere):
 * shows how a process's CPU splits between the event loop, the libuv pool (the
 * level store's writes and fsyncs), LevelDB's compaction and V8's helpers.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Microseconds of CPU (user + system) by thread name, summed over threads with one name. */
export function threadCpuMicros(): Record<string, number> {
  const out: Record<string, number> = {};
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  // USER_HZ is 100 on every Linux we run on.
  const tickMicros = 10_000;
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      const name = tid === String(process.pid) ? 'main' : stat.slice(open + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // Fields after the name: state is [0]; utime and stime are fields 14 and 15 of the whole line.
      const ticks = Number(fields[11]) + Number(fields[12]);
      out[name] = (out[name] ?? 0) + ticks * tickMicros;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** The difference of two readings, largest first. */
export function threadCpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const delta: [string, number][] = Object.entries(after).map(([name, us]) => [name, us - (before[name] ?? 0)]);
  return Object.fromEntries(delta.filter(([, us]) => us > 0).sort((a, b) => b[1] - a[1]));
}

/**
 * CPU time the whole machine spent busy, and this process with its finished
 * children, in microseconds (Linux; undefined elsewhere). The difference over a
 * run is what other processes took from it: on a shared machine that is why a
 * figure came out low.
 */
export function machineCpuMicros(): { busy: number; ours: number } | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait.
    const busyTicks = cpu.reduce((a, b) => a + b, 0) - cpu[3]! - cpu[4]!;
    const self = readFileSync('/proc/self/stat', 'utf8');
    const fields = self.slice(self.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14-17 of the line.
    const ourTicks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { busy: busyTicks * 10_000, ours: ourTicks * 10_000 };
  } catch {
    return undefined;
  }
}
