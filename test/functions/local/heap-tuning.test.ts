import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, tuneHeapGrowth } from '../../../functions/local/heap-tuning.js';

function run(execArgv: string[]) {
  const flags: string[] = [];
  const applied = tuneHeapGrowth(execArgv, (flag) => flags.push(flag));
  return { applied, flags };
}

describe('tuneHeapGrowth', () => {
  it('sets the old generation growth factor when the process was started without one', () => {
    expect(run([])).toEqual({ applied: true, flags: [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`] });
    expect(run(['--max-semi-space-size=8', '--import', 'tsx'])).toEqual({ applied: true, flags: [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`] });
  });

  it.each([['--heap-growing-percent=0'], ['--heap_growing_percent=80'], ['--heap-growing-percent']])(
    'leaves a growth factor given on the command line (%s) alone',
    (flag) => {
      expect(run(['--expose-gc', flag])).toEqual({ applied: false, flags: [] });
    },
  );
});
