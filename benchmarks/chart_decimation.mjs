// Benchmark (not a test): how long the charts' M4 decimation takes for a 1,000,000-point series
// drawn 800 pixels wide, and for a zoomed range. Uses the built lib/: run `jlpm build:lib` first,
// then `node benchmarks/chart_decimation.mjs`.
import { decimate } from '../lib/charts/decimate.js';

const n = 1_000_000;
const width = 800;
const xs = new Float64Array(n);
const ys = new Float64Array(n);
for (let i = 0; i < n; i++) {
  xs[i] = i;
  ys[i] = Math.sin(i / 1000) + Math.random();
}
ys[543_210] = 1e6;

function median(run) {
  for (let k = 0; k < 3; k++) run(); // warm-up
  const times = [];
  for (let k = 0; k < 21; k++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[10];
}

const all = decimate({ xs, ys }, width);
console.log(
  `1,000,000 points, ${width} px: ${all.xs.length} points drawn, spike kept: ${all.ys.includes(1e6)}, ` +
    `median ${median(() => decimate({ xs, ys }, width)).toFixed(1)} ms`
);
console.log(
  `zoom to 5,000 steps: median ${median(() => decimate({ xs, ys }, width, [540_000, 545_000])).toFixed(2)} ms`
);
