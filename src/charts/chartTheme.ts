import type uPlot from 'uplot';

/** Tick spacings of an integer axis (MLflow steps): no 0.5 ticks. */
export const INTEGER_STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000,
  1_000_000, 10_000_000
];

/**
 * The current JupyterLab theme's ink for a uPlot chart, read from the CSS variables where the
 * chart is (canvas text cannot use CSS): every chart of the extension draws its axes with it.
 *
 * @param node - the chart's element
 * @returns the text colour (`ink`) and an axis factory
 */
export function chartTheme(node: Element): {
  ink: string;
  axis: (label: string) => uPlot.Axis;
} {
  const style = getComputedStyle(node);
  const css = (name: string, fallback: string) =>
    style.getPropertyValue(name).trim() || fallback;
  const ink = css('--jp-ui-font-color2', '#616161');
  const grid = css('--jp-border-color2', '#e0e0e0');
  const font = `11px ${css('--jp-ui-font-family', 'sans-serif')}`;
  return {
    ink,
    axis: label => ({
      label,
      stroke: ink,
      font,
      labelFont: font,
      labelSize: 16,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 }
    })
  };
}
