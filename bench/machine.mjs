// What the machine is and what else it is doing: its description, process trees and their
// memory (PSS), and a monitor that tells, for one figure, how much CPU went to processes
// that are not this bench's (other engineers' builds, other VMs' steal time).
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';

const TICKS_PER_S = 100; // USER_HZ: /proc times are in 1/100 s on Linux

const read = (file) => { try { return fs.readFileSync(file, 'utf8'); } catch (e) { return null; } };

export function describeMachine(chromium) {
  const cpu = (read('/proc/cpuinfo') || '').match(/^model name\s*:\s*(.*)$/m);
  let chromiumVersion = '';
  try { chromiumVersion = execFileSync(chromium, ['--version']).toString().trim(); } catch (e) { chromiumVersion = `unknown (${e.message})`; }
  return {
    nproc: os.cpus().length,
    ram_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
    cpu_model: cpu ? cpu[1].trim() : 'unknown',
    kernel: os.release(),
    node: process.version,
    chromium: chromiumVersion,
  };
}

export const loadAverage = () => +(read('/proc/loadavg') || '0').split(' ')[0];

function stat(pid) {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return null;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // after the name: state ppid … utime(12) stime(13) cutime(14) cstime(15)
  return { ppid: +fields[1], ticks: +fields[11] + +fields[12] + +fields[13] + +fields[14] };
}

/** `root` and all its descendants. */
export function processTree(root) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(entry);
    if (!s) continue;
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(+entry);
  }
  const tree = [];
  const frontier = [root];
  while (frontier.length) {
    const pid = frontier.pop();
    tree.push(pid);
    frontier.push(...(children.get(pid) || []));
  }
  return tree;
}

/** The direct children of `parent` whose executable is `exe`. */
export function childrenRunning(parent, exe) {
  return processTree(parent).filter((pid) => {
    const s = stat(pid);
    if (!s || s.ppid !== parent) return false;
    try { return fs.readlinkSync(`/proc/${pid}/exe`) === exe; } catch (e) { return false; }
  });
}

export const commandLine = (pid) => (read(`/proc/${pid}/cmdline`) || '').split('\0').filter(Boolean);

/** Proportional set size of `root`'s whole process tree, in KiB. */
export function pssTreeKiB(root) {
  let total = 0;
  for (const pid of processTree(root)) {
    const m = (read(`/proc/${pid}/smaps_rollup`) || '').match(/^Pss:\s+(\d+) kB/m);
    if (m) total += +m[1];
  }
  return total;
}

function busyTicks() {
  const f = (read('/proc/stat') || '').split('\n')[0].split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait
  return f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] || 0);
}

const ownTicks = () => processTree(process.pid).reduce((sum, pid) => sum + (stat(pid)?.ticks || 0), 0);

/**
 * Watches one figure: the 1-minute load average before and after, and the CPU used by
 * everything that is not this process tree (in cores, averaged over the figure).
 */
export function startMonitor() {
  const began = { at: performance.now(), load: loadAverage(), busy: busyTicks(), own: ownTicks() };
  return () => {
    const seconds = (performance.now() - began.at) / 1000;
    const busy = busyTicks() - began.busy;
    const own = ownTicks() - began.own;
    const cores = (ticks) => +(Math.max(0, ticks) / TICKS_PER_S / Math.max(seconds, 1e-3)).toFixed(2);
    return {
      seconds: +seconds.toFixed(1),
      load_before: began.load,
      load_after: loadAverage(),
      own_cores: cores(own),
      other_cores: cores(busy - own),
    };
  };
}
