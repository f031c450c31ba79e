/**
 * Live metrics at thousands of keys: sections by prefix, the filter, per-notebook choices, and
 * histories read only for the keys whose charts exist.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { MlflowClient } from '../../api/mlflowClient';
import { createChartCard } from '../chartCard';
import { ChartGrid } from '../chartGrid';
import { groupKeys, groupOf, matchesFilter } from '../keyGroups';
import { LiveSession } from '../liveSession';
import { ViewChoices } from '../viewChoices';
import { stubCanvas } from './canvasStub';

const trans = nullTranslator.load('jupyterlab_mlflow_workspace');

describe('key sections', () => {
  it('groups by the prefix before the first slash, unprefixed keys first', () => {
    expect(groupOf('train/loss')).toBe('train');
    expect(groupOf('train/a/b')).toBe('train');
    expect(groupOf('loss')).toBe('');
    expect(groupOf('/odd')).toBe('');
    const groups = groupKeys(['lr', 'train/acc', 'train/loss', 'val/loss']);
    expect(groups).toEqual([
      { name: '', keys: ['lr'] },
      { name: 'train', keys: ['train/acc', 'train/loss'] },
      { name: 'val', keys: ['val/loss'] }
    ]);
    // Sections in numeric order: layer2 before layer10.
    expect(groupKeys(['layer10/w', 'layer2/w']).map(g => g.name)).toEqual([
      'layer2',
      'layer10'
    ]);
  });

  it('filters on every word, any case', () => {
    expect(matchesFilter('train/Loss', 'LOSS')).toBe(true);
    expect(matchesFilter('train/loss', 'val loss')).toBe(false);
    expect(matchesFilter('val/loss_ema', 'loss val')).toBe(true);
    expect(matchesFilter('anything', '   ')).toBe(true);
  });
});

describe('ViewChoices', () => {
  it('round-trips through its saved form and ignores malformed input', () => {
    const choices = new ViewChoices();
    choices.setPinned('r1', true);
    choices.setHidden('r2', true);
    choices.setCollapsed('train', true);
    choices.filter = 'loss';
    choices.setChartOptions('train/loss', { log: true, smooth: 0, x: 'auto' });
    choices.setChartOptions('val/loss', { x: 'relative', smooth: 0.6 });
    choices.setChartOptions('lr', { log: false, smooth: 0, x: 'auto' });
    expect(choices.toJSON().charts).toEqual({
      'train/loss': { log: true },
      'val/loss': { x: 'relative', smooth: 0.6 }
    });
    const again = new ViewChoices();
    again.restore(JSON.parse(JSON.stringify(choices.toJSON())));
    expect(again.toJSON()).toEqual(choices.toJSON());
    const odd = new ViewChoices();
    odd.restore({
      pinned: [1, 'ok', null],
      hiddenRuns: 'x',
      filter: 3,
      charts: { a: { log: 'yes', x: 'sideways', smooth: 7 }, b: null }
    });
    expect(odd.toJSON()).toEqual({
      pinned: ['ok'],
      hiddenRuns: [],
      shownRuns: [],
      collapsed: [],
      filter: '',
      charts: {}
    });
    // Beyond the runs drawn by default a run is hidden until shown by choice.
    expect(choices.isHidden('r3', true)).toBe(true);
    choices.setHidden('r3', false);
    expect(choices.isHidden('r3', true)).toBe(false);
    choices.setHidden('r3', true);
    expect(choices.isHidden('r3', false)).toBe(true);
    // Unpinning forgets that the run was hidden.
    choices.setPinned('r2', true);
    choices.setPinned('r2', false);
    expect(choices.isHidden('r2')).toBe(false);
  });
});

/**
 * jsdom lays nothing out: this observer calls a slot in view when it is not hidden and `inView`
 * says so (a stand-in for the scrolled-to place), and reports changes on `flush`, as the browser
 * does after a layout (the charts' own observers included).
 */
class FakeObserver {
  static all: FakeObserver[] = [];
  /** Report every observer's changes (the grid's and the charts' own). */
  static flush(): void {
    FakeObserver.all.forEach(o => o.flush());
  }
  static inView: (el: HTMLElement) => boolean = () => true;
  constructor(callback: (entries: any[]) => void) {
    this._callback = callback;
    FakeObserver.all.push(this);
  }
  observe(el: HTMLElement): void {
    this._elements.add(el);
  }
  unobserve(el: HTMLElement): void {
    this._elements.delete(el);
  }
  disconnect(): void {
    this._elements.clear();
  }
  flush(): void {
    const entries: any[] = [];
    for (const el of this._elements) {
      const visible = !el.closest('.lm-mod-hidden') && FakeObserver.inView(el);
      if (this._state.get(el) !== visible) {
        this._state.set(el, visible);
        entries.push({ target: el, isIntersecting: visible });
      }
    }
    if (entries.length) {
      this._callback(entries);
    }
  }
  private _callback: (entries: any[]) => void;
  private _elements = new Set<HTMLElement>();
  private _state = new Map<HTMLElement, boolean>();
}

describe('ChartGrid', () => {
  beforeAll(() => {
    stubCanvas();
    (window as any).IntersectionObserver = FakeObserver;
  });
  beforeEach(() => {
    FakeObserver.inView = () => true;
  });

  function grid(): ChartGrid {
    const g = new ChartGrid({
      trans,
      createCard: key => createChartCard(key, trans),
      scrollRoot: () => document.body
    });
    Widget.attach(g, document.body);
    return g;
  }

  it('puts keys in sections; the filter and a collapsed section leave their cards out', () => {
    const g = grid();
    const choices = new ViewChoices();
    const keys = ['lr', 'train/acc', 'train/loss', 'val/loss'];
    const setKeys = () => {
      g.setKeys(keys, choices);
      FakeObserver.flush();
    };
    setKeys();
    const sections = () =>
      Array.from(
        g.node.querySelectorAll<HTMLElement>('.jp-mlflow-LiveMetrics-group')
      )
        .filter(n => !n.classList.contains('lm-mod-hidden'))
        .map(n => n.dataset.group);
    expect(sections()).toEqual(['', 'train', 'val']);
    expect([...g.cards.keys()].sort()).toEqual(keys);

    choices.filter = 'loss';
    setKeys();
    expect([...g.cards.keys()].sort()).toEqual(['train/loss', 'val/loss']);
    expect(sections()).toEqual(['train', 'val']);
    expect(
      g.node.querySelector(
        '[data-group="train"] .jp-mlflow-LiveMetrics-groupCount'
      )!.textContent
    ).toBe('1 of 2');
    expect(g.shownCount).toBe(2);

    choices.filter = '';
    choices.setCollapsed('train', true);
    setKeys();
    expect([...g.cards.keys()].sort()).toEqual(['lr', 'val/loss']);
    const toggle = g.node.querySelector<HTMLButtonElement>(
      '[data-group="train"] .jp-mlflow-LiveMetrics-groupToggle'
    )!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    expect(choices.isCollapsed('train')).toBe(false);
    g.dispose();
  });

  it('makes cards only for the slots in view, and says which keys are wanted', () => {
    const g = grid();
    const keys = Array.from({ length: 3000 }, (_, i) => `train/k${i}`);
    const slotIndex = (el: HTMLElement) =>
      Number(el.dataset.metricKey?.slice('train/k'.length));
    FakeObserver.inView = el => slotIndex(el) < 4;
    const wanted: (ReadonlySet<string> | null)[] = [];
    g.wantedChanged.connect((_, keys) => wanted.push(keys));
    g.setKeys(keys, new ViewChoices());
    FakeObserver.flush();
    expect(g.node.querySelectorAll('.jp-mlflow-LiveMetrics-slot')).toHaveLength(
      3000
    );
    expect([...g.cards.keys()]).toEqual([
      'train/k0',
      'train/k1',
      'train/k2',
      'train/k3'
    ]);
    // Scrolled to the end: the first cards go, the last ones come.
    FakeObserver.inView = el => slotIndex(el) >= 2998;
    FakeObserver.flush();
    expect([...g.cards.keys()].sort()).toEqual(['train/k2998', 'train/k2999']);
    expect([...wanted[wanted.length - 1]!].sort()).toEqual([
      'train/k2998',
      'train/k2999'
    ]);
    expect(g.chartFor('train/k0')).toBeUndefined();
    g.dispose();
  });

  it('adds a new key in order and drops a gone one', () => {
    const g = grid();
    const choices = new ViewChoices();
    g.setKeys(['b', 'd'], choices);
    g.setKeys(['a', 'b', 'c'], choices);
    FakeObserver.flush();
    const slots = Array.from(
      g.node.querySelectorAll<HTMLElement>('.jp-mlflow-LiveMetrics-slot')
    ).map(n => n.dataset.metricKey);
    expect(slots).toEqual(['a', 'b', 'c']);
    expect(g.chartFor('d')).toBeUndefined();
    // Without prefixes there is no section heading.
    const head = g.node.querySelector('.jp-mlflow-LiveMetrics-groupHead')!;
    expect(head.classList.contains('lm-mod-hidden')).toBe(true);
    g.dispose();
  });
});

describe('LiveSession with wanted keys', () => {
  it('reads the histories of the wanted keys only, and a newly wanted one at once', async () => {
    const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
    const historyCalls: string[] = [];
    const run = {
      info: {
        run_id: 'r1',
        run_name: 'many',
        status: 'FINISHED',
        start_time: 1
      },
      data: {
        metrics: keys.map(key => ({ key, value: 1, step: 9, timestamp: 9 })),
        params: [],
        tags: []
      }
    };
    const client = {
      getRun: async () => run,
      searchRuns: async () => ({ runs: [] }),
      searchExperiments: async () => ({ experiments: [] }),
      getExperimentByName: async () => null,
      getMetricHistory: async (_runId: string, key: string) => {
        historyCalls.push(key);
        return {
          metrics: [0, 1, 2].map(step => ({
            key,
            value: step,
            step,
            timestamp: step
          }))
        };
      }
    } as unknown as MlflowClient;
    const session = new LiveSession({
      push: null,
      getClient: () => client,
      getNotebookId: () => null
    });
    session.setWantedKeys(new Set(['k1', 'k2']));
    session.pin('r1');
    session.watched = true;
    await session.refresh();
    await new Promise(resolve => setTimeout(resolve, 50));
    // Every key is known with its last value; only two histories were read.
    expect(session.store.keys(['r1'])).toHaveLength(300);
    expect(historyCalls.sort()).toEqual(['k1', 'k2']);
    expect(session.store.points('r1', 'k1')).toHaveLength(4);
    expect(session.store.points('r1', 'k5')).toHaveLength(1);

    session.setWantedKeys(new Set(['k1', 'k2', 'k5']));
    await new Promise(resolve => setTimeout(resolve, 50));
    // k5 at once; k1 and k2 (a finished run read to its end) are not read again.
    expect(historyCalls.sort()).toEqual(['k1', 'k2', 'k5']);
    expect(session.store.points('r1', 'k5')).toHaveLength(4);
    expect(session.choices.pinned).toEqual(['r1']);
    session.dispose();
  });
});
