import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (ms) of this process's threads by role, from /proc (Linux; null elsewhere): the main
 * thread, and the embedded database's thread (Node names worker threads "WorkerThread"). On a busy
 * machine wall times stretch with the load; these say how much work each thread did, and the
 * longest of them is what a quiet machine's wall time cannot go below.
 */
export function threadCpuMs(): { main: number; database: number | null } | null {
  try {
    let main = 0;
    let database: number | null = null;
    for (const tid of readdirSync('/proc/self/task')) {
      const isMain = tid === String(process.pid);
      if (!isMain && readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== 'WorkerThread') continue;
      const f = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      const ms = ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
      if (isMain) main = ms;
      else database = (database ?? 0) + ms;
    }
    return { main, database };
  } catch {
    return null;
  }
}
