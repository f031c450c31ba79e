import { ISessionContext } from '@jupyterlab/apputils';
import { Kernel, KernelMessage } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';
import { decodeLiveMessage, ILiveMessage } from './series';

/** The comm target the kernel's pusher opens (`jupyterlab_mlflow_workspace/kernel/live/pusher.py`). */
export const LIVE_COMM_TARGET = 'jupyterlab-mlflow-workspace:live-metrics';

/**
 * Receives the metric values a notebook's kernel pushes while its cells run.
 *
 * Registers the comm target on the session's kernel, and again on every new kernel (restart,
 * change of kernel), so that the kernel's `comm_open` is never refused. The kernel opens the
 * comm with its first batch and reopens it after a close; every `comm_open` and `comm_msg` of the
 * target is decoded and emitted as one `received` message.
 */
export class KernelPush {
  /**
   * @param sessionContext - the notebook's session
   */
  constructor(sessionContext: ISessionContext) {
    this._sessionContext = sessionContext;
    sessionContext.kernelChanged.connect(this._onKernelChanged, this);
    this._attach(sessionContext.session?.kernel ?? null);
  }

  /** A decoded batch of the kernel's pusher. */
  get received(): ISignal<this, ILiveMessage> {
    return this._received;
  }

  /** Whether the current kernel has opened our comm (the push is on in that kernel). */
  get active(): boolean {
    return this._active;
  }

  /** Emitted when `active` changes (a kernel pushed, or the kernel changed). */
  get activeChanged(): ISignal<this, boolean> {
    return this._activeChanged;
  }

  /** Whether this is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Unregister the comm target and disconnect (idempotent). */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._sessionContext.kernelChanged.disconnect(this._onKernelChanged, this);
    this._attach(null);
    Signal.clearData(this);
  }

  private _onKernelChanged(
    _: ISessionContext,
    change: { newValue: Kernel.IKernelConnection | null }
  ): void {
    this._attach(change.newValue);
  }

  private _attach(kernel: Kernel.IKernelConnection | null): void {
    if (this._kernel && !this._kernel.isDisposed) {
      this._kernel.removeCommTarget(LIVE_COMM_TARGET, this._onCommOpen);
    }
    this._kernel = kernel;
    this._setActive(false);
    if (kernel) {
      kernel.registerCommTarget(LIVE_COMM_TARGET, this._onCommOpen);
    }
  }

  private _onCommOpen = (
    comm: Kernel.IComm,
    msg: KernelMessage.ICommOpenMsg
  ): void => {
    this._setActive(true);
    comm.onMsg = (message: KernelMessage.ICommMsgMsg) => {
      this._handle(message.content.data);
    };
    this._handle(msg.content.data);
  };

  private _handle(data: unknown): void {
    const message = decodeLiveMessage(data);
    if (message && !this._isDisposed) {
      this._received.emit(message);
    }
  }

  private _setActive(active: boolean): void {
    if (active !== this._active) {
      this._active = active;
      this._activeChanged.emit(active);
    }
  }

  private _sessionContext: ISessionContext;
  private _kernel: Kernel.IKernelConnection | null = null;
  private _active = false;
  private _isDisposed = false;
  private _received = new Signal<this, ILiveMessage>(this);
  private _activeChanged = new Signal<this, boolean>(this);
}
