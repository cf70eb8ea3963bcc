import type { FulfilmentSaga } from '@ordo/domains';

/** Bugs the simulation can plant in the saga, to show it finds them. */
export const plantedBugs = ['forget-release-last-line'] as const;
/** The name of a planted bug. */
export type PlantedBug = (typeof plantedBugs)[number];

/** True for a known planted bug name. */
export const isPlantedBug = (name: string): name is PlantedBug => (plantedBugs as ReadonlyArray<string>).includes(name);

/**
 * A variant of the saga with a bug in it. `forget-release-last-line`: when compensation starts,
 * the last release of the reversed list (the order's first held line) is never sent. The saga's
 * own state still says "released", so only the whole system's invariants can catch it.
 */
export const withPlantedBug = (saga: FulfilmentSaga, bug: PlantedBug): FulfilmentSaga => {
  switch (bug) {
    case 'forget-release-last-line':
      return {
        ...saga,
        react: (event) => {
          const actions = saga.react(event);
          if (event.type !== 'CompensationStarted') return actions;
          let last = -1;
          actions.forEach((a, i) => {
            if (a.kind === 'send' && a.command.type === 'ReleaseReservation') last = i;
          });
          return last < 0 ? actions : actions.filter((_, i) => i !== last);
        },
      };
  }
};
