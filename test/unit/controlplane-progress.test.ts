// The progress line of a cold control-plane build (test/controlplane/index.ts ensureBinaries).
import { describe, expect, it } from 'vitest';
import { buildProgress } from '../controlplane/index.ts';

describe('buildProgress', () => {
  it.each([
    // 2 cores: 14/2 = 7 and 50/2 = 25 min (the measured range); 4 cores: round(3.5) = 4, round(12.5) = 13;
    // 1 core: 14 and 50; 16 cores: the floor of 2, and 2 + 3 = 5.
    [2, 'about 7-25 min on 2 cores'],
    [4, 'about 4-13 min on 4 cores'],
    [1, 'about 14-50 min on 1 core,'],
    [16, 'about 2-5 min on 16 cores'],
  ])('%i cores: %s', (cores, expected) => {
    expect(buildProgress(95, 130, cores)).toContain(expected);
  });
  it('says the times of the step and of the whole build', () => {
    // 95 s = 1 min 35 s; 130 s = 2 min 10 s.
    expect(buildProgress(95, 130, 2)).toMatch(/^still compiling \(1 min 35 s in this step, 2 min 10 s in all\)/);
  });
});
