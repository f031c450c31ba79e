import { ReactWidget } from '@jupyterlab/ui-components';
import { IDisposable } from '@lumino/disposable';
import { Message } from '@lumino/messaging';

/**
 * A React widget whose model reads only while the widget is shown: `watch()` starts the reads
 * when it is attached and visible, and the handle it returns is disposed when it is hidden
 * (a collapsed panel section, another sidebar tab, a background main-area tab) or detached.
 */
export abstract class WatchWhileShown extends ReactWidget {
  /** Start reading; the returned handle stops it. */
  protected abstract watch(): IDisposable;

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._watch ??= this.watch();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      this._watch ??= this.watch();
    }
  }

  protected onBeforeHide(msg: Message): void {
    super.onBeforeHide(msg);
    this._stop();
  }

  protected onBeforeDetach(msg: Message): void {
    this._stop();
    super.onBeforeDetach(msg);
  }

  private _stop(): void {
    this._watch?.dispose();
    this._watch = null;
  }

  private _watch: IDisposable | null = null;
}
