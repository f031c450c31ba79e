/**
 * jsdom has no canvas: give it a 2D context that draws nothing (uPlot only calls it) and a
 * Path2D. Chart tests check the data handed to uPlot, not pixels (Galata looks at those).
 */
export function stubCanvas(): void {
  const context = new Proxy(
    {},
    {
      get: (_target, prop) =>
        prop === 'measureText' ? () => ({ width: 10 }) : () => undefined,
      set: () => true
    }
  );
  HTMLCanvasElement.prototype.getContext = (() => context) as any;
  (globalThis as any).Path2D ??= class {
    moveTo(): void {}
    lineTo(): void {}
    rect(): void {}
    arc(): void {}
    closePath(): void {}
    bezierCurveTo(): void {}
    addPath(): void {}
  };
}
