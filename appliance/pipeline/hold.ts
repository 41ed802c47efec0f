// The submission hold switch: several reasons can hold at once (a person, the power policy);
// submission resumes only when none is left.
import type { HoldSwitch } from '../ports.js';

export function createHoldSwitch(initial: string[] = [], onChange?: (reasons: string[]) => void): HoldSwitch {
  const reasons = new Set(initial);
  return {
    isHeld: () => reasons.size > 0,
    set(reason, held) {
      const before = reasons.size;
      if (held) reasons.add(reason);
      else reasons.delete(reason);
      if (reasons.size !== before) onChange?.([...reasons]);
    },
    reasons: () => [...reasons],
  };
}
