// The test runner process of scripts/test.mjs, given the bundled test files (JavaScript: no tsx; every test
// file's process inherits this process's flags). It calls node:test's run() with the files in the order given,
// because Node 20's `node --test a b`
// sorts its files by name (lib/internal/test_runner/runner.js createTestFileList), which would undo the
// heaviest-first order that keeps the end of a run short.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const files = process.argv.slice(2);
// Three files at a time on the 2-core machine: the test files wait on PostgreSQL servers, Chromium and CLI
// children, and a third slot keeps both cores busy (whole runs 2026-12-01: 371 s with two, 358 s with three,
// nearly the same code). REGENSPINE_TEST_CONCURRENCY overrides it.
const concurrency = Number(process.env.REGENSPINE_TEST_CONCURRENCY || 3);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(
    `REGENSPINE_TEST_CONCURRENCY must be a whole number of at least 1, not "${process.env.REGENSPINE_TEST_CONCURRENCY}"`,
  );
  process.exit(2);
}
const stream = run({ files, concurrency }).on('test:fail', () => {
  process.exitCode = 1;
});
stream.compose(spec).pipe(process.stdout);
