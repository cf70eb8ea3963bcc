/**
 * The compensation helper: given the steps completed so far (in the order they completed),
 * returns the compensating commands in reverse order, skipping steps without compensation.
 */
export const compensateInReverse = <Step, C>(
  completed: ReadonlyArray<Step>,
  compensation: (step: Step) => C | ReadonlyArray<C> | undefined,
): ReadonlyArray<C> => {
  const out: C[] = [];
  for (let i = completed.length - 1; i >= 0; i--) {
    const c = compensation(completed[i]!);
    if (c === undefined) continue;
    if (Array.isArray(c)) out.push(...(c as ReadonlyArray<C>));
    else out.push(c as C);
  }
  return out;
};
