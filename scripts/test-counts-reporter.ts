/**
 * A vitest reporter that closes the run with the count of tests per store
 * engine (one vitest project each, see vite.config.ts), then one plain total
 * line, so CI and people see how much ran on Neo4j and how much was skipped.
 */
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

type Tally = { passed: number; failed: number; skipped: number };

export default class TestCountsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const byProject = new Map<string, Tally>();
    for (const module of modules) {
      const tally = byProject.get(module.project.name) ?? { passed: 0, failed: 0, skipped: 0 };
      let failedTests = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') tally.passed++;
        else if (state === 'failed') failedTests++;
        else tally.skipped++;
      }
      // A file that failed outside its tests (an import, a hook) counts as one failure.
      tally.failed += module.state() === 'failed' ? Math.max(1, failedTests) : failedTests;
      byProject.set(module.project.name, tally);
    }
    const total: Tally = { passed: 0, failed: unhandledErrors.length, skipped: 0 };
    const line = (name: string, t: Tally) => `${name}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`;
    console.log('');
    for (const [name, t] of [...byProject].sort(([a], [b]) => a.localeCompare(b))) {
      console.log(line(name, t));
      total.passed += t.passed;
      total.failed += t.failed;
      total.skipped += t.skipped;
    }
    console.log(line('total', total));
  }
}
