import schema from '../../../schema/runs.json';
import {
  ColumnChoiceModel,
  columnCandidates,
  MAX_COLUMNS
} from '../columnChoice';
import { makeRun } from './fakeRuns';

describe('columnCandidates', () => {
  it('offers every key of the loaded runs, sorted, and keeps shown keys no run has', () => {
    const runs = [
      makeRun('a', { metrics: { loss: 1, acc: 0.5 }, params: { lr: '1' } }),
      makeRun('b', { metrics: { loss: 2 }, params: { depth: '3' } })
    ];
    expect(
      columnCandidates(runs, { metrics: ['old_metric'], params: ['lr'] })
    ).toEqual({
      metrics: ['acc', 'loss', 'old_metric'],
      params: ['depth', 'lr']
    });
  });
});

describe('ColumnChoiceModel', () => {
  const candidates = {
    metrics: ['acc', 'loss', 'val_loss', 'val_acc'],
    params: ['depth', 'lr']
  };

  it('keeps the order of shown keys and appends newly ticked ones in list order', () => {
    const model = new ColumnChoiceModel({
      candidates,
      chosen: { metrics: ['val_loss', 'acc'], params: [] }
    });
    model.setChosen('metrics', 'val_acc', true);
    model.setChosen('metrics', 'loss', true);
    model.setChosen('metrics', 'acc', false);
    model.setChosen('params', 'lr', true);
    expect(model.value).toEqual({
      metrics: ['val_loss', 'loss', 'val_acc'],
      params: ['lr']
    });
  });

  it('narrows the lists by a search without losing ticks of hidden keys', () => {
    const model = new ColumnChoiceModel({
      candidates,
      chosen: { metrics: ['acc'], params: ['depth'] }
    });
    let emitted = 0;
    model.changed.connect(() => emitted++);
    model.setQuery(' VAL_ ');
    expect(model.visible('metrics')).toEqual(['val_loss', 'val_acc']);
    expect(model.visible('params')).toEqual([]);
    expect(model.value).toEqual({ metrics: ['acc'], params: ['depth'] });
    model.clear('params');
    model.clear('params');
    expect(model.value.params).toEqual([]);
    expect(emitted).toBe(2);
  });

  it('refuses more columns than the settings allow', () => {
    const many = Array.from({ length: MAX_COLUMNS + 5 }, (_, i) => `m${i}`);
    const model = new ColumnChoiceModel({
      candidates: { metrics: many, params: [] },
      chosen: { metrics: [], params: [] }
    });
    many.forEach(k => model.setChosen('metrics', k, true));
    expect(model.value.metrics).toHaveLength(MAX_COLUMNS);
    expect(model.isFull('metrics')).toBe(true);
    model.setChosen('metrics', 'm0', false);
    expect(model.isFull('metrics')).toBe(false);
    expect(model.isChosen('metrics', `m${MAX_COLUMNS}`)).toBe(false);
  });
});

describe('MAX_COLUMNS', () => {
  it('is the maxItems of both column settings', () => {
    expect(schema.properties.metricColumns.maxItems).toBe(MAX_COLUMNS);
    expect(schema.properties.paramColumns.maxItems).toBe(MAX_COLUMNS);
  });
});
