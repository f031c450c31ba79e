import { TranslationBundle } from '@jupyterlab/translation';
import { IWorkspaceDraft } from '../api/types';

/**
 * Check a workspace form before it is sent; the server checks again and has the last word.
 *
 * @param draft - the fields as typed
 * @param trans - the translation bundle for the messages
 * @returns field name → message, empty when valid
 */
export function validateDraft(
  draft: IWorkspaceDraft,
  trans: TranslationBundle
): Partial<Record<keyof IWorkspaceDraft, string>> {
  const errors: Partial<Record<keyof IWorkspaceDraft, string>> = {};
  const name = (draft.name ?? '').trim();
  if (!name) {
    errors.name = trans.__('Give the workspace a name.');
  } else if (name.length > 100) {
    errors.name = trans.__('At most 100 characters.');
  }
  if (draft.kind === 'mlflow') {
    const message = urlProblem((draft.url ?? '').trim(), trans);
    if (message) {
      errors.url = message;
    }
  } else {
    for (const key of [
      'subscription_id',
      'resource_group',
      'workspace_name',
      'region'
    ] as const) {
      if (!(draft[key] ?? '').trim()) {
        errors[key] = trans.__('Required for an Azure ML workspace.');
      }
    }
  }
  return errors;
}

function urlProblem(text: string, trans: TranslationBundle): string {
  if (!text) {
    return trans.__('Enter the tracking server URL.');
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return trans.__('Not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return trans.__('The URL must start with http:// or https://.');
  }
  if (url.username || url.password) {
    return trans.__(
      'Remove the credentials from the URL and use the fields below.'
    );
  }
  return '';
}
