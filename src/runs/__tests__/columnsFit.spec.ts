import { RunTableModel } from '../tableModel';
import { columnsMinWidth, fitColumns } from '../columns';
import { fakeSearch } from './fakeRuns';

describe('fitColumns', () => {
  // Four metrics and four params, as auto-chosen: 14 columns in all.
  const model = new RunTableModel({ search: fakeSearch([]).search });
  model.setColumns(['loss', 'mae', 'r2', 'rmse'], ['alpha', 'lr', 'm', 'n']);
  const columns = model.columns;

  it('keeps every column where they fit, and before the table is measured', () => {
    expect(fitColumns(columns, 5000)).toEqual(columns);
    expect(fitColumns(columns, null)).toEqual(columns);
  });

  it('fits half a screen without scrolling sideways, hiding the last columns first', () => {
    // The table in a 534 px tab, the experiment list stacked above it.
    const width = 534 - 2 * 6 - 2;
    const shown = fitColumns(columns, width);
    expect(columnsMinWidth(shown)).toBeLessThanOrEqual(width);
    expect(shown.length).toBeLessThan(columns.length);
    expect(shown.map(c => c.id)).toEqual(
      columns.slice(0, shown.length).map(c => c.id)
    );
    expect(shown.map(c => c.id).slice(0, 3)).toEqual([
      'attr:name',
      'attr:status',
      'metric:loss'
    ]);
  });

  it('always keeps the name', () => {
    expect(fitColumns(columns, 50).map(c => c.id)).toEqual(['attr:name']);
  });
});
