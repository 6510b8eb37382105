// The benches' CPU check: how long a fixed loop takes now, printed beside the figures so that figures from a
// loaded machine can be read against a quiet one. One home for the benches that print it.
// Reference: on the project's 2-core VM, quiet (load average < 2), the loop took 135–206 ms (2026-12-01).
export function cpuCheckLine(): string {
  const t = performance.now();
  let s = 0;
  for (let i = 0; i < 1e8; i++) s += i % 7;
  if (s < 0) console.log(s);
  const ms = performance.now() - t;
  return `CPU check: a 1e8-iteration loop took ${ms.toFixed(0)} ms (135–206 ms on the project's 2-core VM when quiet)`;
}
