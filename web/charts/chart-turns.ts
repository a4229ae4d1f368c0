/**
 * Charts are created one per task. Creating an ECharts instance and drawing its first option takes
 * 20-60 ms; a screen that mounts six at once (the cockpit) blocks its main thread for one long task
 * of their sum when its data lands, which is what Lighthouse's total blocking time counts and what
 * delays the first input. Given a turn each, in tasks of their own, the charts appear within a few
 * frames of each other and no task holds more than one of them.
 */
const waiting: (() => void)[] = [];
let granting = false;

function grantNext(): void {
  const next = waiting.shift();
  if (!next) {
    granting = false;
    return;
  }
  next();
  // the chart is created in the render flush that follows `next()` in this task; the next one gets a task of its own
  setTimeout(grantNext, 0);
}

/** Calls `ready` in a task of its own, after the charts that asked before it. */
export function takeChartTurn(ready: () => void): void {
  waiting.push(ready);
  if (granting) return;
  granting = true;
  setTimeout(grantNext, 0);
}
