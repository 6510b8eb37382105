// Loaded into every test file's process (node --import) when REGENSPINE_TEST_TIMELINE names a file: appends one
// line per process when it exits — start and end (seconds since the Unix epoch), CPU seconds, the test file —
// to see how a run spends its slots. Diagnostics only; nothing is written otherwise.
import { appendFileSync } from 'node:fs';

const out = process.env.REGENSPINE_TEST_TIMELINE;
if (out) {
  const start = Date.now() / 1000;
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    const file = process.argv[1] ?? '';
    appendFileSync(
      out,
      `${start.toFixed(2)}\t${(Date.now() / 1000).toFixed(2)}\t${((cpu.user + cpu.system) / 1e6).toFixed(2)}\t${file}\n`,
    );
  });
}
