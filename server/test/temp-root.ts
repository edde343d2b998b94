/**
 * Vitest's global set-up: every temporary file of a test run (stores on disk,
 * bundles, browser profiles, the servers the tests spawn) goes under one
 * directory, removed when the run ends. The tests make their own with
 * `mkdtemp(os.tmpdir())`, which reads TMPDIR; workers and spawned servers
 * inherit it from this process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function setup(): () => void {
  // Each project runs the set-up; the first one's directory serves the whole run.
  if (process.env.ECOGRAPH_TEST_TMP !== undefined) return () => {};
  const root = mkdtempSync(path.join(tmpdir(), 'ecograph-tests-'));
  process.env.ECOGRAPH_TEST_TMP = root;
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
