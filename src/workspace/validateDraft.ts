import { TranslationBundle } from '@jupyterlab/translation';
import { IWorkspaceDraft } from '../api/types';
import { validateAzureWorkspace } from '../snippets/azure';

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
    // The Azure naming rules live with the Azure cells; map their field names to the form's.
    const azure = validateAzureWorkspace({
      subscriptionId: draft.subscription_id,
      resourceGroup: draft.resource_group,
      workspaceName: draft.workspace_name,
      region: draft.region,
      tenantId: draft.tenant_id
    });
    const fields: Record<string, keyof IWorkspaceDraft> = {
      subscriptionId: 'subscription_id',
      resourceGroup: 'resource_group',
      workspaceName: 'workspace_name',
      region: 'region',
      tenantId: 'tenant_id'
    };
    for (const [key, message] of Object.entries(azure)) {
      if (fields[key]) {
        errors[fields[key]] = message;
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
  // Why: the server appends MLflow paths to this URL; a query or fragment would swallow them.
  if (/[?#;\\]/.test(text)) {
    return trans.__(
      'The URL must not contain a query (?), fragment (#), parameters (;) or backslash.'
    );
  }
  return '';
}
