import { Signal } from '@lumino/signaling';
import { KernelPush, LIVE_COMM_TARGET } from '../kernelPush';
import { LiveSession } from '../liveSession';

/** A kernel connection as far as KernelPush uses it: the comm target registry. */
class TargetRegistry {
  targets = new Map<string, (comm: any, msg: any) => void>();
  isDisposed = false;
  registerCommTarget(name: string, cb: (comm: any, msg: any) => void) {
    this.targets.set(name, cb);
  }
  removeCommTarget(name: string, cb: (comm: any, msg: any) => void) {
    if (this.targets.get(name) === cb) {
      this.targets.delete(name);
    }
  }
  /** What JupyterLab does on the kernel's comm_open: call the target. */
  open(data: unknown) {
    const comm: any = { onMsg: null };
    this.targets.get(LIVE_COMM_TARGET)!(comm, { content: { data } });
    return (more: unknown) => comm.onMsg({ content: { data: more } });
  }
}

function sessionContext(kernel: TargetRegistry | null) {
  const kernelChanged = new Signal<any, any>({});
  return {
    kernelChanged,
    session: { kernel },
    change(next: TargetRegistry | null) {
      (this.session as any).kernel = next;
      kernelChanged.emit({ newValue: next });
    }
  };
}

const nextFrame = () => new Promise(resolve => requestAnimationFrame(resolve));

const point = (step: number, value: number | string, runId = 'r1') => ({
  run_id: runId,
  key: 'loss',
  step,
  timestamp: 1000 + step,
  value
});

describe('KernelPush', () => {
  it('registers the target on the kernel, and on the next kernel after a change', () => {
    const first = new TargetRegistry();
    const context = sessionContext(first);
    const push = new KernelPush(context as any);
    expect(first.targets.has(LIVE_COMM_TARGET)).toBe(true);

    const second = new TargetRegistry();
    context.change(second);
    expect(first.targets.has(LIVE_COMM_TARGET)).toBe(false);
    expect(second.targets.has(LIVE_COMM_TARGET)).toBe(true);

    push.dispose();
    expect(second.targets.has(LIVE_COMM_TARGET)).toBe(false);
  });

  it('emits the comm_open batch and every comm_msg, decoded; ignores other versions', () => {
    const kernel = new TargetRegistry();
    const push = new KernelPush(sessionContext(kernel) as any);
    const got: number[][] = [];
    push.received.connect((_, m) => got.push(m.points.map(p => p.value)));
    expect(push.active).toBe(false);
    const send = kernel.open({ v: 1, points: [point(0, 1)], runs: [] });
    expect(push.active).toBe(true);
    send({ v: 1, points: [point(1, 'NaN'), point(2, 'Infinity')], runs: [] });
    send({ v: 99, points: [point(3, 3)] });
    expect(got).toEqual([[1], [NaN, Infinity]]);
    push.dispose();
  });
});

describe('LiveSession, push path', () => {
  it('merges pushed batches into the store, records run ends, and coalesces redraws per frame', async () => {
    const kernel = new TargetRegistry();
    const push = new KernelPush(sessionContext(kernel) as any);
    const session = new LiveSession({
      push,
      getClient: () => null,
      getNotebookId: () => null
    });
    let changes = 0;
    session.changed.connect(() => changes++);
    const send = kernel.open({
      v: 1,
      points: [point(0, 1), point(1, 0.5)],
      runs: [{ run_id: 'r1' }]
    });
    send({ v: 1, points: [point(1, 0.5), point(2, 0.25)], runs: [] });
    send({ v: 1, points: [], runs: [{ run_id: 'r1', status: 'FINISHED' }] });
    await nextFrame();
    expect(changes).toBe(1);
    expect(session.store.points('r1', 'loss').map(p => p.step)).toEqual([
      0, 1, 2
    ]);
    expect(session.runs()).toEqual([
      expect.objectContaining({
        runId: 'r1',
        status: 'FINISHED',
        fromNotebook: true
      })
    ]);
    session.dispose();
    push.dispose();
  });
});
