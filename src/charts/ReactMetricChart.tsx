import { Widget } from '@lumino/widgets';
import * as React from 'react';
import { IChartSeries, MetricChart, XKind } from './MetricChart';

/**
 * The one uPlot wrapper (`MetricChart`) hosted in React, for views that are React (run compare,
 * sweeps). The widget is made once per mount; new series are handed to it, which redraws at most
 * once per animation frame.
 *
 * A layout effect, not a passive one: React runs layout clean-ups before it removes the host
 * `div`, while passive clean-ups run after. Disposing an attached Lumino widget whose node React
 * already took out of the document throws ("Widget is not attached"), and that error unmounted
 * the whole run browser when the user left the compare view.
 */
export function ReactMetricChart(props: {
  series: IChartSeries[];
  xKind?: XKind;
  options: MetricChart.IOptions;
  className?: string;
}): JSX.Element {
  const host = React.useRef<HTMLDivElement>(null);
  const chart = React.useRef<MetricChart | null>(null);
  React.useLayoutEffect(() => {
    const node = host.current;
    if (!node) {
      return;
    }
    const widget = new MetricChart(props.options);
    Widget.attach(widget, node);
    chart.current = widget;
    return () => {
      chart.current = null;
      if (!widget.node.isConnected) {
        // Removed by someone else all the same: nothing left to detach from.
        widget.clearFlag(Widget.Flag.IsAttached);
      }
      widget.dispose();
    };
  }, []);
  React.useEffect(() => {
    chart.current?.setSeries(props.series, props.xKind ?? 'step');
  }, [props.series, props.xKind]);
  return <div ref={host} className={props.className} />;
}
