import { ICodeCellModel } from '@jupyterlab/cells';
import { KernelMessage } from '@jupyterlab/services';
import { PIP_INSTALL_HINT } from '../snippets/setupCells';
import { ICellOutcome } from './dialogModel';

/**
 * What a finished cell said: its printed text and error, and whether it succeeded.
 *
 * @param model - the cell's model (its outputs)
 * @param reply - the kernel's execute reply; none when the cell did not run
 */
export function cellOutcome(
  model: ICodeCellModel,
  reply: KernelMessage.IExecuteReplyMsg | void
): ICellOutcome {
  const parts: string[] = [];
  let failed = !reply || reply.content.status !== 'ok';
  for (let i = 0; i < model.outputs.length; i++) {
    const output = model.outputs.get(i).toJSON() as Record<string, any>;
    if (output.output_type === 'stream') {
      parts.push(joinText(output.text));
    } else if (output.output_type === 'error') {
      failed = true;
      parts.push(`${output.ename}: ${output.evalue}`);
    }
  }
  let text = parts.join('').trim();
  if (/No module named '?jupyterlab_mlflow_workspace/.test(text)) {
    text += `\n\nThe kernel lacks this extension's package; run ${PIP_INSTALL_HINT} in the notebook, restart the kernel, and deploy again.`;
  }
  return { ok: !failed, text };
}

function joinText(text: unknown): string {
  return Array.isArray(text) ? text.join('') : String(text ?? '');
}
